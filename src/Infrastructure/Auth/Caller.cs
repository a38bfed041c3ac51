using JasperFx;

namespace Notes.Infrastructure.Auth;

/// <summary>
/// Whose notes a request sees: the owner named by its token (<see cref="AuthSettings.OwnerClaim"/>), set when the
/// token is validated; in open mode, and for work no request asked for, the built-in <see cref="OpenModeOwner"/>.
/// </summary>
public sealed class Caller
{
    /// <summary>The owner of every note in open mode, and of the notes of a database from before owners (Marten's default tenant).</summary>
    public const string OpenModeOwner = StorageConstants.DefaultTenantId;

    /// <summary>The most characters an owner may have; a longer claim is refused with the token.</summary>
    public const int MaxOwnerLength = 255;

    public string Owner { get; set; } = OpenModeOwner;
}
