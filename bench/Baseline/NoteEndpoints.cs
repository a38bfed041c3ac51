using System.Data;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Npgsql;
using NpgsqlTypes;

namespace Notes.Baseline;

/// <summary>
/// The endpoints: one prepared statement (or one batch) per request on a pooled connection, the stored JSON written
/// out as it comes from the database, and the API's status codes, headers and problem details.
/// </summary>
internal sealed class NoteEndpoints(NpgsqlDataSource dataSource, HiLoIds ids, StoredJson json, StoredJson exportJson) : IDisposable
{
    private const string JsonContentType = "application/json; charset=utf-8";
    private const string TotalCountHeader = "X-Total-Count";
    private const int FlushBytes = 32 * 1024;
    private const int MaxExports = 16; // the API's Streams:MaxConcurrent default

    private const string SelectOne = "select data, mt_version from mt_doc_note where id = $1";
    private const string SelectVersion = "select mt_version from mt_doc_note where id = $1";
    private const string Insert =
        "insert into mt_doc_note (id, data, mt_dotnet_type, mt_version, completed, created_at, updated_at) "
        + "values ($1, $2, 'Notes.Features.Notes.Note', 1, $3, $4, $4) returning data";
    private const string Change =
        "update mt_doc_note set data = data || $1, completed = coalesce($2, completed), updated_at = $3, "
        + "mt_version = mt_version + 1, mt_last_modified = transaction_timestamp() where id = $4";
    private const string Changed = " returning data, mt_version";
    private const string ChangeAny = Change + Changed;
    private const string ChangeIfMatch = Change + " and mt_version = any($5)" + Changed;

    private readonly SemaphoreSlim _exports = new(MaxExports);

    public void Dispose()
    {
        _exports.Dispose();
        ids.Dispose();
    }

    public async Task GetOne(HttpContext context)
    {
        var id = RouteId(context);
        var cancellationToken = context.RequestAborted;
        byte[] data;
        int version;
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            await using var command = new NpgsqlCommand(SelectOne, connection) { Parameters = { new NpgsqlParameter<int> { TypedValue = id } } };
            await command.PrepareAsync(cancellationToken);
            await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SingleRow, cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                await Problems.NotFound(context, id);
                return;
            }

            data = reader.GetFieldValue<byte[]>(0);
            version = reader.GetInt32(1);
        }

        var response = context.Response;
        response.Headers.ETag = ETags.For(version);
        if (ETags.IfNoneMatchNames(context.Request.Headers.IfNoneMatch, version))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        await WriteNote(response, data, cancellationToken);
    }

    public async Task List(HttpContext context)
    {
        if (ListRequest.Read(context.Request.Query, paging: true, out var error) is not { } query)
        {
            await Refuse(context, error!.Value);
            return;
        }

        var cancellationToken = context.RequestAborted;
        var response = context.Response;
        using var body = new PooledBuffer(query.Take * 192);
        var timeColumn = NoteListing.TimeColumn(query.Sort);
        var rows = 0;
        var (lastId, lastAt) = (0, default(DateTime));
        long? total = null;
        var counted = CountAsked(context.Request.Headers);
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            // The page and, when Prefer asks for it, the number of notes that match, in one round trip.
            await using var batch = new NpgsqlBatch(connection);
            var page = new NpgsqlBatchCommand(NoteListing.PageSql(query.Completed is not null, query.Q is not null, query.Sort, query.HasCursor));
            AddFilters(page.Parameters, query);
            if (query.HasCursor)
            {
                if (timeColumn is not null)
                {
                    page.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = query.CursorAt });
                }

                page.Parameters.Add(new NpgsqlParameter<int> { TypedValue = query.CursorId });
            }

            page.Parameters.Add(new NpgsqlParameter<int> { TypedValue = query.Take });
            page.Parameters.Add(new NpgsqlParameter<int> { TypedValue = query.Skip });
            batch.BatchCommands.Add(page);
            if (counted)
            {
                var count = new NpgsqlBatchCommand(NoteListing.CountSql(query.Completed is not null, query.Q is not null));
                AddFilters(count.Parameters, query);
                batch.BatchCommands.Add(count);
            }

            await batch.PrepareAsync(cancellationToken);

            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            body.GetSpan(1)[0] = (byte)'[';
            body.Advance(1);
            while (await reader.ReadAsync(cancellationToken))
            {
                if (rows++ > 0)
                {
                    body.GetSpan(1)[0] = (byte)',';
                    body.Advance(1);
                }

                json.Write(reader.GetFieldValue<byte[]>(0), body);
                lastId = reader.GetInt32(1);
                lastAt = timeColumn is null ? default : reader.GetDateTime(2);
            }

            body.GetSpan(1)[0] = (byte)']';
            body.Advance(1);
            if (counted)
            {
                await reader.NextResultAsync(cancellationToken);
                await reader.ReadAsync(cancellationToken);
                total = reader.GetInt64(0);
            }
        }

        response.Headers.Vary = "Prefer";
        if (total is { } notes)
        {
            response.Headers[TotalCountHeader] = notes.ToString(CultureInfo.InvariantCulture);
            response.Headers["Preference-Applied"] = "count=exact";
        }

        if (rows == query.Take)
        {
            response.Headers.Link = $"<{NextPage(context.Request, query, NoteListing.CursorAfter(query.Sort, lastId, lastAt))}>; rel=\"next\"";
        }

        response.ContentType = JsonContentType;
        await response.BodyWriter.WriteAsync(body.WrittenMemory, cancellationToken);
    }

    public async Task All(HttpContext context)
    {
        if (ListRequest.Read(context.Request.Query, paging: false, out var error) is not { } query)
        {
            await Refuse(context, error!.Value);
            return;
        }

        if (!_exports.Wait(0))
        {
            await Problems.Busy(context, "Too many exports in progress", $"This server streams at most {MaxExports} exports at once; try again in 2 seconds.", 2);
            return;
        }

        var cancellationToken = context.RequestAborted;
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var command = new NpgsqlCommand(NoteListing.ExportSql(query.Completed is not null, query.Q is not null, query.Sort), connection);
            AddFilters(command.Parameters, query);
            await command.PrepareAsync(cancellationToken);
            await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken);

            var response = context.Response;
            response.ContentType = JsonContentType;
            var body = response.BodyWriter;
            var unflushed = 1L;
            body.GetSpan(1)[0] = (byte)'[';
            body.Advance(1);
            try
            {
                var first = true;
                while (await reader.ReadAsync(cancellationToken))
                {
                    if (!first)
                    {
                        body.GetSpan(1)[0] = (byte)',';
                        body.Advance(1);
                    }

                    first = false;
                    var data = reader.GetFieldValue<byte[]>(0);
                    exportJson.Write(data, body);
                    unflushed += data.Length;
                    if (unflushed >= FlushBytes)
                    {
                        await body.FlushAsync(cancellationToken);
                        unflushed = 0;
                    }
                }

                body.GetSpan(1)[0] = (byte)']';
                body.Advance(1);
                await body.FlushAsync(cancellationToken);
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                context.Abort(); // the 200 is gone: a broken transfer, never a short array
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // the client went away
        }
        finally
        {
            _exports.Release();
        }
    }

    public async Task Create(HttpContext context)
    {
        var cancellationToken = context.RequestAborted;
        if (await ReadBody(context) is not { } fields)
        {
            return;
        }

        if (NoteText.Problem(fields.Text) is { } problem)
        {
            await Problems.BreaksRule(context, "text", problem);
            return;
        }

        if (fields.HasCompleted && fields.Completed is null)
        {
            await Problems.MalformedBody(context);
            return;
        }

        var id = await ids.NextAsync(cancellationToken);
        var now = Now();
        using var note = new PooledBuffer(256);
        using (var writer = new Utf8JsonWriter(note, json.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteNumber("id", id);
            writer.WriteString("text", fields.Text);
            writer.WriteBoolean("completed", fields.Completed ?? false);
            writer.WriteString("createdAt", now);
            writer.WriteString("updatedAt", now);
            writer.WriteEndObject();
        }

        byte[] stored;
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            await using var command = new NpgsqlCommand(Insert, connection)
            {
                Parameters =
                {
                    new NpgsqlParameter<int> { TypedValue = id },
                    new NpgsqlParameter<ReadOnlyMemory<byte>> { NpgsqlDbType = NpgsqlDbType.Jsonb, TypedValue = note.WrittenMemory },
                    new NpgsqlParameter<bool> { TypedValue = fields.Completed ?? false },
                    new NpgsqlParameter<DateTime> { TypedValue = now },
                },
            };
            await command.PrepareAsync(cancellationToken);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            stored = reader.GetFieldValue<byte[]>(0);
        }

        var response = context.Response;
        response.Headers.Location = string.Create(CultureInfo.InvariantCulture, $"/notes/{id}");
        response.Headers.ETag = ETags.For(1);
        await WriteNote(response, stored, cancellationToken);
    }

    /// <summary>PUT: text and completed both, in one statement; without If-Match the last writer wins.</summary>
    public async Task Replace(HttpContext context)
    {
        var id = RouteId(context);
        if (await ReadBody(context) is not { } fields)
        {
            return;
        }

        if (NoteText.Problem(fields.Text) is { } problem)
        {
            await Problems.BreaksRule(context, "text", problem);
            return;
        }

        if (fields.Completed is null)
        {
            await Problems.BreaksRule(context, "completed", "'completed' is required.");
            return;
        }

        await ChangeNote(context, id, fields.Text, fields.Completed);
    }

    /// <summary>PATCH: a JSON merge patch of text and/or completed, in one statement; If-Match as for PUT.</summary>
    public async Task Patch(HttpContext context)
    {
        var id = RouteId(context);
        if (await ReadBody(context, nullAllowed: true) is not { } fields)
        {
            return;
        }

        if (fields.HasText && NoteText.Problem(fields.Text) is { } problem)
        {
            await Problems.BreaksRule(context, "text", problem);
            return;
        }

        if (fields.HasCompleted && fields.Completed is null)
        {
            await Problems.BreaksRule(context, "completed", "'completed' cannot be removed: send true or false.");
            return;
        }

        if (fields.HasText || fields.HasCompleted)
        {
            await ChangeNote(context, id, fields.HasText ? fields.Text : null, fields.Completed);
            return;
        }

        // An empty patch changes nothing: the note as it is, under the same conditions.
        var ifMatch = ETags.AcceptedByIfMatch(context.Request.Headers.IfMatch);
        var cancellationToken = context.RequestAborted;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(SelectOne, connection) { Parameters = { new NpgsqlParameter<int> { TypedValue = id } } };
        await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SingleRow, cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            await Problems.NotFound(context, id);
        }
        else if (ifMatch is not null && !ifMatch.Contains(reader.GetInt32(1)))
        {
            await Problems.PreconditionFailed(context, id, context.Request.Headers.IfMatch);
        }
        else
        {
            context.Response.Headers.ETag = ETags.For(reader.GetInt32(1));
            await WriteNote(context.Response, reader.GetFieldValue<byte[]>(0), cancellationToken);
        }
    }

    public async Task Ready(HttpContext context)
    {
        await using var command = dataSource.CreateCommand("select 1");
        await command.ExecuteScalarAsync(context.RequestAborted);
        await context.Response.WriteAsync("Healthy", context.RequestAborted);
    }

    private async Task ChangeNote(HttpContext context, int id, string? text, bool? completed)
    {
        var cancellationToken = context.RequestAborted;
        var ifMatch = ETags.AcceptedByIfMatch(context.Request.Headers.IfMatch);
        using var changes = new PooledBuffer(256);
        var now = Now();
        using (var writer = new Utf8JsonWriter(changes, json.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("updatedAt", now);
            if (text is not null)
            {
                writer.WriteString("text", text);
            }

            if (completed is { } done)
            {
                writer.WriteBoolean("completed", done);
            }

            writer.WriteEndObject();
        }

        byte[] data;
        int version;
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            await using var command = new NpgsqlCommand(ifMatch is null ? ChangeAny : ChangeIfMatch, connection)
            {
                Parameters =
                {
                    new NpgsqlParameter<ReadOnlyMemory<byte>> { NpgsqlDbType = NpgsqlDbType.Jsonb, TypedValue = changes.WrittenMemory },
                    new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Boolean, Value = completed is { } done ? done : DBNull.Value },
                    new NpgsqlParameter<DateTime> { TypedValue = now },
                    new NpgsqlParameter<int> { TypedValue = id },
                },
            };
            if (ifMatch is not null)
            {
                command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = ifMatch });
            }

            await command.PrepareAsync(cancellationToken);
            await using (var reader = await command.ExecuteReaderAsync(CommandBehavior.SingleRow, cancellationToken))
            {
                if (await reader.ReadAsync(cancellationToken))
                {
                    data = reader.GetFieldValue<byte[]>(0);
                    version = reader.GetInt32(1);
                }
                else
                {
                    data = [];
                    version = 0;
                }
            }

            if (version == 0)
            {
                // Nothing changed: the note is gone, or it is in another revision than If-Match named.
                await using var exists = new NpgsqlCommand(SelectVersion, connection) { Parameters = { new NpgsqlParameter<int> { TypedValue = id } } };
                var found = await exists.ExecuteScalarAsync(cancellationToken) is not null;
                await (found ? Problems.PreconditionFailed(context, id, context.Request.Headers.IfMatch) : Problems.NotFound(context, id));
                return;
            }
        }

        context.Response.Headers.ETag = ETags.For(version);
        await WriteNote(context.Response, data, cancellationToken);
    }

    /// <summary>The body's fields, or null once a problem has been answered (malformed JSON, or no body where one is needed).</summary>
    private static async Task<NoteFields?> ReadBody(HttpContext context, bool nullAllowed = false)
    {
        NoteFields? fields;
        try
        {
            fields = await NoteBodies.ReadAsync(context.Request.BodyReader, context.RequestAborted);
        }
        catch (JsonException)
        {
            await Problems.MalformedBody(context);
            return null;
        }

        if (fields is null && nullAllowed)
        {
            await Problems.BreaksRule(context, "body", "The body must be a JSON merge patch: an object with the fields to change, e.g. {\"completed\":true}.");
            return null;
        }

        return fields ?? default(NoteFields);
    }

    private static void AddFilters(NpgsqlParameterCollection parameters, ListRequest query)
    {
        if (query.Completed is { } completed)
        {
            parameters.Add(new NpgsqlParameter<bool> { TypedValue = completed });
        }

        if (query.Q is not null)
        {
            // a search without a word is a null query, which matches no note, as in the API
            parameters.Add(new NpgsqlParameter<string?> { TypedValue = query.TsQuery });
        }
    }

    /// <summary>
    /// Whether the Prefer header asks for a count (count=exact or count=estimated, the first count preference
    /// counting); the baseline always counts exactly, as the API does below its limit of 10,000.
    /// </summary>
    private static bool CountAsked(IHeaderDictionary headers)
    {
        foreach (var preference in headers["Prefer"].SelectMany(value => (value ?? "").Split(',', StringSplitOptions.TrimEntries)))
        {
            var pair = preference.Split(';', 2)[0].Split('=', 2, StringSplitOptions.TrimEntries);
            if (pair[0].Equals("count", StringComparison.OrdinalIgnoreCase))
            {
                return pair.Length == 2 && (pair[1].Equals("exact", StringComparison.OrdinalIgnoreCase) || pair[1].Equals("estimated", StringComparison.OrdinalIgnoreCase));
            }
        }

        return false;
    }

    private static Task Refuse(HttpContext context, (int Status, string Field, string Message) error) =>
        error.Status == StatusCodes.Status400BadRequest
            ? Problems.BadRequest(context, error.Message)
            : Problems.BreaksRule(context, error.Field, error.Message);

    private async Task WriteNote(HttpResponse response, byte[] data, CancellationToken cancellationToken)
    {
        response.ContentType = JsonContentType;
        json.Write(data, response.BodyWriter);
        await response.BodyWriter.FlushAsync(cancellationToken);
    }

    /// <summary>The URL of the page after this one: the same filters, order and size, after its last note.</summary>
    private static string NextPage(HttpRequest request, ListRequest query, string after)
    {
        var parameters = new List<KeyValuePair<string, string?>> { new("take", query.Take.ToString(CultureInfo.InvariantCulture)) };
        if (query.Completed is { } completed)
        {
            parameters.Add(new("completed", completed ? "true" : "false"));
        }

        if (query.Q is not null)
        {
            parameters.Add(new("q", query.Q));
        }

        if (query.SortKey is not null)
        {
            parameters.Add(new("sort", query.SortKey));
        }

        parameters.Add(new("after", after));
        return QueryHelpers.AddQueryString(request.PathBase + request.Path, parameters);
    }

    private static int RouteId(HttpContext context) =>
        int.Parse((string)context.Request.RouteValues["id"]!, NumberStyles.Integer, CultureInfo.InvariantCulture);

    /// <summary>UTC to the microsecond, PostgreSQL's precision, as the API stamps notes.</summary>
    private static DateTime Now()
    {
        var now = DateTime.UtcNow;
        return now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMicrosecond));
    }
}
