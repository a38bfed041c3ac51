using Notes.Infrastructure.Auth;
using Notes.Infrastructure.Http;

namespace Notes.Features.Notes;

/// <summary>
/// How many imports may run at once (<c>Imports:MaxConcurrent</c>, default 4): each holds a transaction, a
/// connection and up to a 256 MiB body for seconds, so past the limit a new one is refused with 503 and Retry-After.
/// A signed-in owner runs at most <c>Imports:SlotsPerOwner</c> of them (default half), so one person cannot take them
/// all; open mode's one built-in owner may use every slot.
/// </summary>
public sealed class ImportSlots(IConfiguration configuration)
{
    public const int DefaultMaxConcurrent = 4;
    private const int RetryAfterSeconds = 5;

    private readonly Slots _slots = Of(configuration);

    public int PerOwner => _slots.PerKey;

    /// <summary>Takes a slot for <paramref name="owner"/> until the returned lease is disposed, or throws a ServerBusyException.</summary>
    public IDisposable Enter(string owner) => _slots.Enter(owner);

    private static Slots Of(IConfiguration configuration)
    {
        var max = Math.Max(1, configuration.GetValue("Imports:MaxConcurrent", DefaultMaxConcurrent));
        var perOwner = configuration.GetValue("Imports:SlotsPerOwner", 0) is > 0 and var configured ? configured : Math.Max(1, max / 2);
        return new Slots(
            max,
            perOwner,
            new Slots.Refusal("Too many imports in progress", $"This server runs a few imports at once; try again in {RetryAfterSeconds} seconds.", RetryAfterSeconds),
            new Slots.Refusal(
                "Too many imports of yours in progress",
                $"This server runs at most {perOwner} imports of one account at once; try again in {RetryAfterSeconds} seconds, when one of yours is over.",
                RetryAfterSeconds),
            unlimitedKey: Caller.OpenModeOwner);
    }
}
