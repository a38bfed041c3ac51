using Notes.Infrastructure.Errors;
using Notes.Infrastructure.Notifications;

namespace Notes.Features.Notes;

/// <summary>
/// Reads of the changes feed shared by the waiters of one owner. A commit's notification wakes every stream and long
/// poll of its owner at once, each behind its own position. Rather than one query each, a waiter joins a read of its
/// owner already under way when that read started after every notification the waiter had received when it
/// registered for wake-ups (so the read sees every commit whose notification woke the waiter: a commit is notified
/// after it is made), from a position at or before the waiter's; it keeps the changes after its own position.
/// Otherwise it starts a read, which later waiters may join. Whichever read a waiter gets, it goes on from the position that read
/// ended at: a change is never skipped, as the feed's positions are the truth and a wake-up only a hint.
/// </summary>
public sealed class SharedFeedReads(DatabaseNotifications notifications)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Owner, int Limit), List<Read>> _reads = [];

    /// <summary>A read under way: how many notifications had been received when it started (<see cref="DatabaseNotifications.Received"/>), from where, and its page.</summary>
    private sealed record Read(long Started, NoteFeed.Position Since, Task<(GetChanges.Page Page, NoteFeed.Position Last)> Page);

    /// <summary>
    /// The changes of <paramref name="owner"/> after <paramref name="since"/> (at most <paramref name="limit"/>), from a
    /// read that started once at least <paramref name="registeredAt"/> notifications had been received
    /// (<see cref="DatabaseNotifications.Register"/>); <paramref name="read"/> reads the feed from a position when no
    /// such read is under way.
    /// </summary>
    public async Task<(GetChanges.Page Page, NoteFeed.Position Last)> ReadAsync(
        string owner, NoteFeed.Position since, int limit, long registeredAt, Func<NoteFeed.Position, Task<(GetChanges.Page, NoteFeed.Position)>> read)
    {
        var joined = Join((owner, limit), since, registeredAt, read);
        if (joined.Since == since)
        {
            return await joined.Page;
        }

        GetChanges.Page page;
        NoteFeed.Position last;
        try
        {
            (page, last) = await joined.Page;
        }
        catch (GoneException)
        {
            return await read(since); // too far behind from the shared read's position, perhaps not from this one
        }

        if (since.IsAfter(last))
        {
            return await read(since);
        }

        var changes = page.Changes.Where(change => NoteFeed.Position.Parse(change.Seq)!.Value.IsAfter(since)).ToList();
        return (new GetChanges.Page(changes, last.Token), last);
    }

    private Read Join((string Owner, int Limit) key, NoteFeed.Position since, long registeredAt, Func<NoteFeed.Position, Task<(GetChanges.Page, NoteFeed.Position)>> read)
    {
        lock (_lock)
        {
            if (!_reads.TryGetValue(key, out var running))
            {
                _reads[key] = running = [];
            }
            else if (running.Find(under => under.Started >= registeredAt && !under.Since.IsAfter(since)) is { } joined)
            {
                return joined;
            }

            var started = new Read(notifications.Received, since, Task.Run(() => read(since)));
            running.Add(started);
            _ = started.Page.ContinueWith(_ => Forget(key, started), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            return started;
        }
    }

    private void Forget((string Owner, int Limit) key, Read done)
    {
        lock (_lock)
        {
            if (_reads.TryGetValue(key, out var running) && running.Remove(done) && running.Count == 0)
            {
                _reads.Remove(key);
            }
        }
    }
}
