using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Net.Http.Headers;

namespace Notes.Infrastructure.Json;

public static class JsonSetup
{
    /// <summary>Bodies larger than this are refused with 413; a note is at most 100 characters.</summary>
    public const long MaxRequestBodyBytes = 64 * 1024;

    public static IServiceCollection AddNotesJson(this IServiceCollection services)
    {
        // Web defaults: camelCase names, case-insensitive reading, unknown properties ignored.
        services.Configure<JsonOptions>(options =>
        {
            options.SerializerOptions.Converters.Add(new LenientBooleanConverter());
            // Numbers are numbers: no quoted numbers (the web default reads them, and documents ids as strings too).
            options.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
        });
        // Chunked bodies carry no length up front: Kestrel stops them at the same size.
        services.Configure<KestrelServerOptions>(options => options.Limits.MaxRequestBodySize = MaxRequestBodyBytes);
        return services;
    }

    /// <summary>
    /// A body that is JSON is read as JSON whatever type it declares (the seed's README posts with
    /// <c>curl --data</c>, which declares a form); JSON declared in another charset than UTF-8 is refused (415), and a
    /// body over the endpoint's limit (<see cref="MaxRequestBodyBytes"/> unless it says otherwise) is refused (413).
    /// </summary>
    public static WebApplication UseNotesJsonBodies(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            var request = context.Request;
            var limit = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize ?? MaxRequestBodyBytes;
            if (request.ContentLength > limit)
            {
                throw new Microsoft.AspNetCore.Http.BadHttpRequestException("Request body too large.", StatusCodes.Status413PayloadTooLarge);
            }

            var hasBody = request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0;
            if ((hasBody || request.ContentType is not null) && !request.HasJsonContentType())
            {
                request.ContentType = "application/json";
            }
            else if (MediaTypeHeaderValue.TryParse(request.ContentType, out var type) && type.Charset is { Length: > 0 } charset
                && !charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) && !charset.Equals("utf8", StringComparison.OrdinalIgnoreCase))
            {
                throw new Microsoft.AspNetCore.Http.BadHttpRequestException(
                    $"JSON bodies must be UTF-8; this one declares charset '{charset}'.", StatusCodes.Status415UnsupportedMediaType);
            }

            await next(context);
        });
        return app;
    }
}
