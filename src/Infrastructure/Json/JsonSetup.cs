using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Server.Kestrel.Core;

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
    /// <c>curl --data</c>, which declares a form), and a body over <see cref="MaxRequestBodyBytes"/> is refused.
    /// </summary>
    public static WebApplication UseNotesJsonBodies(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            var request = context.Request;
            if (request.ContentLength > MaxRequestBodyBytes)
            {
                throw new Microsoft.AspNetCore.Http.BadHttpRequestException("Request body too large.", StatusCodes.Status413PayloadTooLarge);
            }

            var hasBody = request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0;
            if ((hasBody || request.ContentType is not null) && !request.HasJsonContentType())
            {
                request.ContentType = "application/json";
            }

            await next(context);
        });
        return app;
    }
}
