using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Http.Metadata;
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
    /// <c>curl --data</c>, which declares a form); JSON declared in another charset than UTF-8 is refused (415).
    /// </summary>
    public static WebApplication UseNotesJsonBodies(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            var request = context.Request;
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

            return next(context);
        });
        return app;
    }

    /// <summary>
    /// After routing: a body over its endpoint's limit (<see cref="MaxRequestBodyBytes"/> unless the endpoint says
    /// otherwise with <see cref="IRequestSizeLimitMetadata"/>) is refused with 413, at once when its length is declared,
    /// else by Kestrel as it arrives.
    /// </summary>
    public static WebApplication UseNotesBodyLimits(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            var limit = context.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize ?? MaxRequestBodyBytes;
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
            {
                feature.MaxRequestBodySize = limit;
            }

            if (context.Request.ContentLength > limit)
            {
                throw new Microsoft.AspNetCore.Http.BadHttpRequestException("Request body too large.", StatusCodes.Status413PayloadTooLarge);
            }

            return next(context);
        });
        return app;
    }
}
