using System.ComponentModel;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Notes.Infrastructure.Errors;
using Notes.Infrastructure.Http;
using Notes.Infrastructure.Notifications;
using Notes.Infrastructure.OpenApi;

namespace Notes.Features.Notes;

/// <summary>
/// GET /notes/changes: every note of the caller changed after a position in the feed, once each, in its latest state,
/// deletions as tombstones; <c>lastSeq</c> is where to go on from. With <c>feed=longpoll</c> the request waits for
/// the first change, up to <c>timeout</c> milliseconds: a commit's notification wakes it at once, and it looks again
/// every second in any case, so a lost notification delays a change and never loses it (see <see cref="NoteFeed"/>
/// for why a follower never skips one).
/// </summary>
public static class GetChanges
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;
    public const int MaxTimeoutMilliseconds = 60_000;
    private static readonly TimeSpan LookAgain = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan SettleAgain = TimeSpan.FromMilliseconds(20);

    /// <param name="Since">After this position: a <c>lastSeq</c>, <c>0</c> for the beginning, <c>now</c> for the present.</param>
    /// <param name="Limit">At most this many changes.</param>
    /// <param name="LongPoll">Wait for the first change, up to <paramref name="TimeoutMilliseconds"/>.</param>
    /// <param name="TimeoutMilliseconds">The longest a long poll waits.</param>
    public sealed record Query(string? Since = null, int Limit = DefaultLimit, bool LongPoll = false, int TimeoutMilliseconds = MaxTimeoutMilliseconds) : IRequest<Page>;

    /// <summary>Whether <paramref name="since"/> names a place to start: none (the beginning), <c>now</c>, or a position.</summary>
    private static bool IsSince(string? since) => since is null or "now" || NoteFeed.Position.Parse(since) is not null;

    /// <summary>A note as the feed has it: its position, and the note, or null for a tombstone.</summary>
    public sealed record Change(string Seq, long Id, StoredNote? Note)
    {
        public bool Deleted => Note is null;
    }

    public sealed record Page(IReadOnlyList<Change> Changes, string LastSeq);

    internal sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(query => query.Since)
                .Must(IsSince)
                .WithMessage((_, since) => $"'since' must be 0, now, or the lastSeq of an earlier answer, not '{since}'.");
            RuleFor(query => query.Limit).InclusiveBetween(1, MaxLimit);
            RuleFor(query => query.TimeoutMilliseconds).InclusiveBetween(0, MaxTimeoutMilliseconds);
        }
    }

    internal sealed class Handler(IQuerySession session, ISessionFactory sessions, NoteFeed feed, DatabaseNotifications notifications, SharedFeedReads reads, TimeProvider clock)
        : IRequestHandler<Query, Page>
    {
        public async Task<Page> Handle(Query query, CancellationToken cancellationToken)
        {
            var since = query.Since == "now" ? await NowAsync(cancellationToken) : NoteFeed.Position.Parse(query.Since ?? "0")!.Value;
            var started = clock.GetTimestamp();
            var woken = false;
            while (true)
            {
                // taken before the read, so that no notification is missed between; only by a request that waits
                var (notified, registeredAt) = query.LongPoll ? notifications.Register(session.TenantId) : (Task.CompletedTask, 0);
                (var page, since) = query.LongPoll
                    ? await reads.ReadAsync(session.TenantId, since, query.Limit, registeredAt, position => SharedReadAsync(position, query.Limit)).WaitAsync(cancellationToken)
                    : await ReadAsync(session, since, query.Limit, cancellationToken);
                var left = TimeSpan.FromMilliseconds(query.TimeoutMilliseconds) - clock.GetElapsedTime(started);
                if (page.Changes.Count > 0 || !query.LongPoll || left <= TimeSpan.Zero)
                {
                    return page;
                }

                // A change just notified may wait on an older transaction still running: look again soon.
                var wait = woken ? SettleAgain : LookAgain;
                woken = await Task.WhenAny(notified, Task.Delay(wait < left ? wait : left, clock, cancellationToken)) == notified;
            }
        }

        /// <summary>A read other waiters may join (<see cref="SharedFeedReads"/>), on a session of its own: the waiter that started it may be gone before those that joined it.</summary>
        private async Task<(Page Page, NoteFeed.Position Last)> SharedReadAsync(NoteFeed.Position since, int limit)
        {
            await using var own = sessions.QuerySession();
            return await ReadAsync(own, since, limit, CancellationToken.None);
        }

        /// <summary>A page after <paramref name="since"/>, and the position it ends at.</summary>
        private async Task<(Page Page, NoteFeed.Position Last)> ReadAsync(IQuerySession session, NoteFeed.Position since, int limit, CancellationToken cancellationToken)
        {
            await using var command = feed.Read(since, limit);
            await using var reader = await session.ReadAsync(command, cancellationToken);
            var changes = new List<Change>();
            var last = since;
            var settled = since;
            while (await reader.ReadAsync(cancellationToken))
            {
                // Never at or before the purged tombstones, which a transaction older than them can hold the horizon
                // below: the next read would call that position too far behind.
                settled = new NoteFeed.Position(
                    Math.Max(ulong.Parse(reader.GetString(0), CultureInfo.InvariantCulture), ulong.Parse(reader.GetString(7), CultureInfo.InvariantCulture) + 1), 0);
                if (reader.GetBoolean(1) && since != NoteFeed.Position.Start)
                {
                    throw new GoneException(
                        "Too far behind",
                        "The changes after this position are no longer all kept (tombstones are kept for Feed:TombstoneDays): start over from GET /notes/all, or since=0.");
                }

                if (reader.IsDBNull(2))
                {
                    break;
                }

                var id = reader.GetInt64(2);
                last = new NoteFeed.Position(ulong.Parse(reader.GetString(3), CultureInfo.InvariantCulture), id);
                var note = reader.GetBoolean(4) ? null : new StoredNote(id, reader.GetInt32(6), reader.GetFieldValue<byte[]>(5));
                changes.Add(new Change(last.Token, id, note));
            }

            // Fewer than asked: every change below the horizon is here, so the next read may start there.
            if (changes.Count < limit && settled.IsAfter(last))
            {
                last = settled;
            }

            return (new Page(changes, last.Token), last);
        }

        private async Task<NoteFeed.Position> NowAsync(CancellationToken cancellationToken)
        {
            await using var command = new Npgsql.NpgsqlCommand(NoteFeed.Now);
            await using var reader = await session.ReadAsync(command, cancellationToken);
            await reader.ReadAsync(cancellationToken);
            return new NoteFeed.Position(ulong.Parse(reader.GetString(0), CultureInfo.InvariantCulture), 0);
        }
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapGet("/notes/changes", async Task<Results<FileContentHttpResult, ChangeEvents>> (
                    HttpRequest request,
                    IMediator mediator,
                    CancellationToken cancellationToken,
                    [Description("After this position: the lastSeq of an earlier answer, 0 for the beginning (the default), now for the present.")] string? since,
                    [Description("At most this many changes (1 to 1000, default 100).")] int? limit,
                    [Description("longpoll: wait for the first change, up to timeout.")] string? feed,
                    [Description("With feed=longpoll, the longest wait in milliseconds (0 to 60000, default 60000).")] int? timeout) =>
                {
                    // A stream resumes after the last event its client saw; a position that is none gets the 422 below.
                    var from = request.Headers["Last-Event-ID"].FirstOrDefault() ?? since;
                    if (request.Headers.Accept.Any(accept => accept?.Contains(ChangeEvents.ContentType, StringComparison.OrdinalIgnoreCase) == true)
                        && IsSince(from))
                    {
                        return new ChangeEvents(from, limit ?? DefaultLimit);
                    }

                    var page = await mediator.Send(
                        new Query(from, limit ?? DefaultLimit, feed == "longpoll", timeout ?? MaxTimeoutMilliseconds), cancellationToken);
                    return TypedResults.File(Json(page), NoteHttp.JsonContentType);
                })
                .DisableRequestTimeout() // a long poll waits up to a minute, a stream of events as long as its client stays
                .WithName(nameof(GetChanges))
                .WithSummary("The changes of the caller's notes after a position")
                .WithDescription("Each note changed after `since` appears once, in its latest state; a deleted note as a tombstone (`\"deleted\": true`, `\"note\": null`). Go on from `lastSeq`. A change appears only once every older transaction has ended, so a follower that applies each page never misses one. `feed=longpoll` holds the request until the first change or `timeout` milliseconds. With `Accept: text/event-stream` the changes come as server-sent events (`id:` the change's position, `data:` the change), a heartbeat comment every 15 s, resuming after `Last-Event-ID`.")
                .WithMetadata(new OpenApiExampleAttribute("""{"changes":[{"seq":"2s.7","id":7,"deleted":false,"note":{"id":7,"text":"Buy milk","completed":false,"createdAt":"2026-12-02T10:00:00Z","updatedAt":"2026-12-02T10:00:00Z"}}],"lastSeq":"2s.7"}"""))
                .ProducesProblem(StatusCodes.Status410Gone)
                .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity)
                .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
    }

    /// <summary>
    /// The feed as server-sent events: each change an event (<c>id:</c> its position, <c>data:</c> the change as in the
    /// JSON page), a heartbeat comment after 15 s without one (<c>ChangeStreams:HeartbeatSeconds</c>), so that proxies and clients see the stream alive. It runs
    /// in a slot of <see cref="ChangeStreamSlots"/>, ends when its client goes, and ends cleanly when the instance shuts
    /// down (the client reconnects elsewhere with <c>Last-Event-ID</c>).
    /// </summary>
    public sealed class ChangeEvents(string? since, int limit) : IResult
    {
        public const string ContentType = "text/event-stream";

        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var services = httpContext.RequestServices;
            var slots = services.GetRequiredService<ChangeStreamSlots>();
            using var slot = slots.Enter(RateLimitSetup.ClientKey(httpContext));
            using var ended = CancellationTokenSource.CreateLinkedTokenSource(
                httpContext.RequestAborted, services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping);
            var mediator = services.GetRequiredService<IMediator>();
            // before the stream starts, so that a position too far behind is still a 410
            var page = await mediator.Send(new Query(since, limit), ended.Token);
            var response = httpContext.Response;
            response.ContentType = ContentType;
            response.Headers.CacheControl = "no-cache";
            httpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
            try
            {
                while (true)
                {
                    await response.Body.WriteAsync(page.Changes.Count == 0 ? Heartbeat : Events(page), ended.Token);
                    await response.Body.FlushAsync(ended.Token);
                    page = await mediator.Send(new Query(page.LastSeq, limit, LongPoll: true, slots.HeartbeatMilliseconds), ended.Token);
                }
            }
            catch (OperationCanceledException) when (ended.IsCancellationRequested)
            {
                // the client went, or the instance is shutting down: the stream ends here
            }
        }

        private static readonly byte[] Heartbeat = ": heartbeat\n\n"u8.ToArray();

        private static byte[] Events(Page page)
        {
            using var buffer = new MemoryStream();
            foreach (var change in page.Changes)
            {
                buffer.Write(Encoding.UTF8.GetBytes($"id: {change.Seq}\ndata: "));
                buffer.Write(Json(change));
                buffer.Write("\n\n"u8);
            }

            return buffer.ToArray();
        }
    }

    /// <summary>The page as JSON, each note's stored JSON written as it is.</summary>
    private static byte[] Json(Page page)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("changes");
            foreach (var change in page.Changes)
            {
                Write(change, writer);
            }

            writer.WriteEndArray();
            writer.WriteString("lastSeq", page.LastSeq);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>One change as JSON, on one line.</summary>
    private static byte[] Json(Change change)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(change, writer);
        }

        return buffer.ToArray();
    }

    private static void Write(Change change, Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("seq", change.Seq);
        writer.WriteNumber("id", change.Id);
        writer.WriteBoolean("deleted", change.Deleted);
        writer.WritePropertyName("note");
        if (change.Note is { } note)
        {
            writer.WriteRawValue(note.Json, skipInputValidation: true);
        }
        else
        {
            writer.WriteNullValue();
        }

        writer.WriteEndObject();
    }
}
