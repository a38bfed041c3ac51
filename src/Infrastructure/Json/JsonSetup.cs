using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Primitives;
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
    /// <c>curl --data</c>, which declares a form). The declared type is read as RFC 9110 writes one: one that is not
    /// (<c>charset=</c> with no value, an unclosed quote) is refused (400), and JSON declared in another charset than
    /// UTF-8 too (415).
    /// </summary>
    public static WebApplication UseNotesJsonBodies(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            var request = context.Request;
            var hasBody = request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0;
            if (string.IsNullOrWhiteSpace(request.ContentType))
            {
                if (hasBody)
                {
                    request.ContentType = "application/json";
                }
            }
            else if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type)
                || type.Parameters.Any(parameter => StringSegment.IsNullOrEmpty(parameter.Value)))
            {
                throw new Microsoft.AspNetCore.Http.BadHttpRequestException(
                    "The Content-Type header is not a media type as RFC 9110 writes one: type/subtype, then parameters name=value "
                    + "whose values are tokens or quoted strings, e.g. application/json; charset=utf-8.");
            }
            else if (!IsJson(type))
            {
                request.ContentType = "application/json";
            }
            else if (type.Parameters.Where(parameter => parameter.Name.Equals("charset", StringComparison.OrdinalIgnoreCase))
                .Select(parameter => HeaderUtilities.UnescapeAsQuotedString(parameter.Value).ToString())
                .FirstOrDefault(charset => !IsUtf8(charset)) is { } charset)
            {
                throw new Microsoft.AspNetCore.Http.BadHttpRequestException(
                    $"JSON bodies must be UTF-8; this one declares charset '{charset}'.", StatusCodes.Status415UnsupportedMediaType);
            }
            else
            {
                // UTF-8 is JSON's own: what reads the body next needs the type alone (it cannot read a quoted charset)
                request.ContentType = type.MediaType.ToString();
            }

            return next(context);
        });
        return app;
    }

    /// <summary><c>application/json</c> or a JSON-based type (<c>application/merge-patch+json</c>).</summary>
    private static bool IsJson(MediaTypeHeaderValue type) =>
        type.Type.Equals("application", StringComparison.OrdinalIgnoreCase)
        && (type.SubType.Equals("json", StringComparison.OrdinalIgnoreCase) || type.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase));

    private static bool IsUtf8(string charset) =>
        charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) || charset.Equals("utf8", StringComparison.OrdinalIgnoreCase);

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
