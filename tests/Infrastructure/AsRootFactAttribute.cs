namespace Notes.Tests.Infrastructure;

/// <summary>
/// A test of what the scripts do as root, where the servers run as the postgres user (as in CI). Skipped, and
/// reported so, for another user: the servers then run as that user, who reaches its own folders.
/// </summary>
public sealed class AsRootFactAttribute : FactAttribute
{
    public AsRootFactAttribute()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Skip = "runs as root only: the cluster's servers run as the postgres user only when started by root";
        }
    }
}
