using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Notes.Infrastructure.Auth;

namespace Notes.Infrastructure.Idempotency;

/// <summary>
/// <c>Idempotency-Key</c> (draft-ietf-httpapi-idempotency-key-header) on the endpoints marked
/// <see cref="IdempotencySetup.WithIdempotency{TBuilder}"/>: the first request with a key of its owner runs and its
/// answer is kept; a repeat with the same request gets that answer again and changes nothing; one with another request
/// (another body, method or path) gets 422; one while the first still runs, 409. Only final answers are kept (2xx and
/// 4xx but those that ask for a retry), and only of a body read to its end: anything else releases the key.
/// It runs with an exception handler of its own inside it, so that it sees the problem an exception becomes (a 422 of
/// the validator is kept too).
/// </summary>
internal sealed partial class IdempotencyMiddleware(
    RequestDelegate next, IdempotencyKeys keys, IOptions<RequestTimeoutOptions> timeouts, IProblemDetailsService problems, ILogger<IdempotencyMiddleware> logger)
{
    public const string Header = "Idempotency-Key";

    public const int MaxKeyLength = 255;

    /// <summary>The most of a response's body that is kept; the notes' answers are far smaller.</summary>
    private const int MaxKeptBody = 1024 * 1024;

    /// <summary>A claim's life beyond its request's time limit, before a retry takes it for abandoned.</summary>
    private static readonly TimeSpan LeaseMargin = TimeSpan.FromMinutes(1);

    /// <summary>An endpoint without a time limit: how long its claim is believed.</summary>
    private static readonly TimeSpan UnlimitedLease = TimeSpan.FromHours(1);

    private static readonly string[] KeptHeaders = [HeaderNames.ContentType, HeaderNames.ETag, HeaderNames.Location];

    public async Task InvokeAsync(HttpContext context, Caller caller)
    {
        if (Key(context.Request.Headers[Header]) is not { } key)
        {
            await ProblemAsync(context, StatusCodes.Status400BadRequest, "Invalid Idempotency-Key",
                $"Idempotency-Key must be one value of 1 to {MaxKeyLength} printable ASCII characters, e.g. a UUID.");
            return;
        }

        var owner = caller.Owner;
        switch (await keys.ClaimAsync(owner, key, Lease(context), context.RequestAborted))
        {
            case IdempotencyKeys.Claim.Taken(var claimedAt):
                await RunAsync(context, owner, key, claimedAt);
                break;
            case IdempotencyKeys.Claim.Answered(var answer):
                await using (var body = new FingerprintingStream(context.Request.Body, context.Request))
                {
                    if (CryptographicOperations.FixedTimeEquals(await body.DrainAsync(context.RequestAborted), answer.Fingerprint))
                    {
                        await ReplayAsync(context, answer);
                    }
                    else
                    {
                        await ProblemAsync(context, StatusCodes.Status422UnprocessableEntity, "Idempotency-Key already used",
                            $"Idempotency-Key {key} was used for another request (another body, method or path): use a new key for a new request.");
                    }
                }

                break;
            default:
                await ProblemAsync(context, StatusCodes.Status409Conflict, "Request with this Idempotency-Key in progress",
                    $"A request with Idempotency-Key {key} is still being processed: retry once it has been answered.");
                break;
        }
    }

    /// <summary>The key of the header: a structured field string (<c>"abc"</c>, as the draft writes it) or the bare characters.</summary>
    internal static string? Key(Microsoft.Extensions.Primitives.StringValues values)
    {
        if (values.Count != 1 || values[0] is not { } value)
        {
            return null;
        }

        if (value.Length >= 2 && value[0] == '"' && value[^1] == '"')
        {
            value = value[1..^1].Replace("\\\"", "\"", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal);
        }

        return value.Length is >= 1 and <= MaxKeyLength && value.All(c => c is >= ' ' and <= '~') ? value : null;
    }

    private async Task RunAsync(HttpContext context, string owner, string key, DateTime claimedAt)
    {
        var (request, response) = (context.Request, context.Response);
        var (requestBody, responseBody) = (request.Body, response.Body);
        await using var body = new FingerprintingStream(requestBody, request);
        await using var answer = new AnswerBuffer(responseBody, MaxKeptBody);
        (request.Body, response.Body) = (body, answer);
        var settled = false;
        try
        {
            await next(context);
            await response.BodyWriter.FlushAsync(context.RequestAborted);
            if (IsFinal(response.StatusCode) && body.ReadToEnd && !answer.Overflowed && !context.RequestAborted.IsCancellationRequested)
            {
                var kept = new KeptAnswer(response.StatusCode, body.Fingerprint(), [.. Headers(response)], answer.Held);
                settled = true; // once the write is done, a lost answer must not let a retry write again
                await keys.StoreAsync(owner, key, claimedAt, kept, CancellationToken.None);
            }
        }
        catch (Exception exception) when (settled)
        {
            LogNotKept(logger, exception.Message);
        }
        finally
        {
            (request.Body, response.Body) = (requestBody, responseBody);
            if (!settled)
            {
                await ReleaseAsync(owner, key, claimedAt);
            }
        }

        await answer.ReleaseAsync(context.RequestAborted);
    }

    /// <summary>An answer the same request would get again: success, or the client's mistake, but none that asks for a retry.</summary>
    private static bool IsFinal(int status) =>
        status is >= 200 and < 300
        || (status is >= 400 and < 500 and not (StatusCodes.Status408RequestTimeout or StatusCodes.Status409Conflict
            or 425 or StatusCodes.Status429TooManyRequests or StatusCodes.Status499ClientClosedRequest));

    private static IEnumerable<string> Headers(HttpResponse response)
    {
        foreach (var name in KeptHeaders)
        {
            if (response.Headers[name] is { Count: 1 } value)
            {
                yield return name;
                yield return value[0]!;
            }
        }
    }

    private async Task ReleaseAsync(string owner, string key, DateTime claimedAt)
    {
        try
        {
            await keys.ReleaseAsync(owner, key, claimedAt, CancellationToken.None);
        }
        catch (Exception exception) when (exception is Npgsql.NpgsqlException or TimeoutException)
        {
            // The claim lapses with its lease.
            LogNotReleased(logger, exception.Message);
        }
    }

    private static async Task ReplayAsync(HttpContext context, KeptAnswer answer)
    {
        var response = context.Response;
        response.StatusCode = answer.Status;
        for (var i = 0; i + 1 < answer.Headers.Length; i += 2)
        {
            response.Headers[answer.Headers[i]] = answer.Headers[i + 1];
        }

        response.ContentLength = answer.Body.Length;
        await response.Body.WriteAsync(answer.Body, context.RequestAborted);
    }

    /// <summary>How long this request's claim is believed: its time limit (RequestTimeouts), and a margin.</summary>
    private TimeSpan Lease(HttpContext context)
    {
        var metadata = context.GetEndpoint()?.Metadata;
        var options = timeouts.Value;
        var timeout = metadata?.GetMetadata<DisableRequestTimeoutAttribute>() is not null ? null
            : metadata?.GetMetadata<RequestTimeoutPolicy>() is { } policy ? policy.Timeout
            : metadata?.GetMetadata<RequestTimeoutAttribute>() is { } attribute
                ? attribute.Timeout ?? (attribute.PolicyName is { } name && options.Policies.TryGetValue(name, out var named) ? named.Timeout : null)
            : options.DefaultPolicy?.Timeout;
        return (timeout ?? UnlimitedLease) + LeaseMargin;
    }

    private ValueTask ProblemAsync(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        return problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "An answer was sent but not kept for its Idempotency-Key ({Reason}); a retry gets 409 until the claim lapses")]
    private static partial void LogNotKept(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "An Idempotency-Key could not be released ({Reason}); it lapses with its lease")]
    private static partial void LogNotReleased(ILogger logger, string reason);
}
