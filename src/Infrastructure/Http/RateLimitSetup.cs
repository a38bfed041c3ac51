using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Notes.Infrastructure.Auth;

namespace Notes.Infrastructure.Http;

/// <summary>
/// A rate limit per caller, off by default and on with one setting, <c>RateLimit:RequestsPerMinute</c>: each caller
/// has a bucket of that many requests that refills at that rate, so a client may spend a minute's worth at once and
/// then goes at the steady rate. Past it: 429 with <c>Retry-After</c> and problem details. A signed-in caller counts
/// by owner, whatever address they come from (and people behind one address do not share a bucket); any other by
/// client address, IPv6 per /64 (what one subscriber usually gets), so rotating addresses within it does not help.
/// Health checks are never limited: a balancer polling them must not be turned away.
/// </summary>
public static class RateLimitSetup
{
    public const string RequestsPerMinuteKey = "RateLimit:RequestsPerMinute";

    public static IServiceCollection AddNotesRateLimit(this IServiceCollection services)
    {
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IConfiguration>((options, configuration) =>
        {
            var perMinute = configuration.GetValue(RequestsPerMinuteKey, 0);
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = (rejected, _) => RejectAsync(rejected, perMinute);
            if (perMinute > 0)
            {
                options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                    context.Request.Path.StartsWithSegments("/health")
                        ? RateLimitPartition.GetNoLimiter("health")
                        : RateLimitPartition.GetTokenBucketLimiter(ClientKey(context), _ => Bucket(perMinute)));
            }
        });
        return services;
    }

    private static TokenBucketRateLimiterOptions Bucket(int perMinute) => new()
    {
        TokenLimit = perMinute,
        TokensPerPeriod = 1,
        ReplenishmentPeriod = TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerMillisecond, TimeSpan.TicksPerMinute / perMinute)),
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    /// <summary>
    /// Who a request counts against: a signed-in caller's owner, else the client's address (as
    /// <c>UseForwardedHeaders</c> left it), IPv4 whole, IPv6 by its /64 prefix.
    /// </summary>
    public static string ClientKey(HttpContext context)
    {
        if (context.User.Identity?.IsAuthenticated == true)
        {
            return "owner " + context.RequestServices.GetRequiredService<Caller>().Owner;
        }

        var address = context.Connection.RemoteIpAddress;
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6 || IPAddress.IsLoopback(address))
        {
            return address.ToString();
        }

        var prefix = address.GetAddressBytes();
        Array.Clear(prefix, 8, 8);
        return new IPAddress(prefix) + "/64";
    }

    private static async ValueTask RejectAsync(OnRejectedContext rejected, int perMinute)
    {
        var context = rejected.HttpContext;
        var seconds = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
            : 60;
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests",
                Detail = $"This {(context.User.Identity?.IsAuthenticated == true ? "account" : "client address")} has used its {perMinute} requests a minute; try again in {seconds} seconds.",
            },
        });
    }
}
