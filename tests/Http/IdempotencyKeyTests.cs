using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Marten;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Notes.Features.Notes;
using Notes.Infrastructure.Auth;
using Notes.Infrastructure.Idempotency;
using Notes.Tests.Infrastructure;
using Npgsql;

namespace Notes.Tests.Http;

/// <summary>
/// <c>Idempotency-Key</c> on the three writes that are not safe to retry by nature: a retry gets the first answer again
/// and changes nothing; another request with the key is 422; a twin while the first still runs is 409.
/// </summary>
public sealed class IdempotencyKeyTests(NotesApi api) : IClassFixture<NotesApi>
{
    [Fact]
    public async Task Should_answer_a_repeated_create_with_the_first_answer_and_store_one_note()
    {
        using var client = api.CreateClient();
        var (key, text) = (NewKey(), $"once {Guid.NewGuid():N}");

        using var first = await client.SendAsync(Post("/notes", key, new { text }));
        using var second = await client.SendAsync(Post("/notes", key, new { text }));

        var note = await first.ShouldBeNoteAsync();
        await ShouldBeTheSameAnswerAsync(second, first);
        second.Headers.Location.ShouldBe(first.Headers.Location);
        (await CountAsync(text)).ShouldBe(1);
        (await (await client.GetAsync($"/notes/{note.Id()}")).ShouldBeNoteAsync()).Text().ShouldBe(text);
    }

    [Fact]
    public async Task Should_refuse_the_key_with_another_body_and_store_nothing()
    {
        using var client = api.CreateClient();
        var key = NewKey();
        await (await client.SendAsync(Post("/notes", key, new { text = "the first" }))).ShouldBeNoteAsync();
        var other = $"another {Guid.NewGuid():N}";

        using var response = await client.SendAsync(Post("/notes", key, new { text = other }));

        (await response.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity))["detail"]!.GetValue<string>().ShouldContain(key);
        (await CountAsync(other)).ShouldBe(0);
    }

    [Fact]
    public async Task Should_refuse_the_key_on_another_method_or_path()
    {
        using var client = api.CreateClient();
        var key = NewKey();
        var note = await (await client.SendAsync(Post("/notes", key, new { text = "created with the key" }))).ShouldBeNoteAsync();

        using var patch = await client.SendAsync(Patch(note.Id(), key, new { text = "created with the key" }));
        using var import = await client.SendAsync(Post("/notes/import", key, new[] { new { text = "created with the key" } }));

        await patch.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);
        await import.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);
        (await CountAsync("created with the key")).ShouldBe(1);
    }

    [Fact]
    public async Task Should_answer_a_repeated_patch_with_the_first_etag_and_not_change_the_note_again()
    {
        using var client = api.CreateClient();
        var note = await (await client.PostAsJsonAsync("/notes", new { text = "to tick off" })).ShouldBeNoteAsync();
        var key = NewKey();

        using var first = await client.SendAsync(Patch(note.Id(), key, new { completed = true }));
        using var second = await client.SendAsync(Patch(note.Id(), key, new { completed = true }));

        (await first.ShouldBeNoteAsync()).Completed().ShouldBeTrue();
        first.Headers.ETag!.Tag.ShouldBe("\"2\"");
        await ShouldBeTheSameAnswerAsync(second, first);
        (await client.GetAsync($"/notes/{note.Id()}")).Headers.ETag!.Tag.ShouldBe("\"2\"");
    }

    [Fact]
    public async Task Should_import_once_when_an_import_is_repeated()
    {
        using var client = api.CreateClient();
        var (key, text) = (NewKey(), $"imported {Guid.NewGuid():N}");
        var notes = Enumerable.Range(0, 3).Select(_ => new { text }).ToArray();

        using var first = await client.SendAsync(Post("/notes/import", key, notes));
        using var second = await client.SendAsync(Post("/notes/import", key, notes));

        first.StatusCode.ShouldBe(HttpStatusCode.OK, await first.Content.ReadAsStringAsync());
        (await first.Content.ReadFromJsonAsync<JsonObject>())!["imported"]!.GetValue<int>().ShouldBe(3);
        await ShouldBeTheSameAnswerAsync(second, first);
        (await CountAsync(text)).ShouldBe(3);
    }

    [Fact]
    public async Task Should_answer_409_to_a_twin_sent_while_the_first_still_uploads_then_the_first_answer()
    {
        using var client = Streaming();
        var (key, text) = (NewKey(), $"slow {Guid.NewGuid():N}");
        var body = $"[{{\"text\":\"{text}\"}}]";
        var gate = new TaskCompletionSource();
        var slow = client.SendAsync(Request(HttpMethod.Post, "/notes/import", key, new HeldContent(body, gate.Task)));
        await ClaimedAsync(key);

        using var twin = await client.SendAsync(Request(HttpMethod.Post, "/notes/import", key, HttpJson.AsJson(body)));

        (await twin.ShouldBeProblemAsync(HttpStatusCode.Conflict))["detail"]!.GetValue<string>().ShouldContain(key);
        gate.SetResult();
        using var first = await slow;
        first.StatusCode.ShouldBe(HttpStatusCode.OK, await first.Content.ReadAsStringAsync());
        using var retry = await client.SendAsync(Request(HttpMethod.Post, "/notes/import", key, HttpJson.AsJson(body)));
        await ShouldBeTheSameAnswerAsync(retry, first);
        (await CountAsync(text)).ShouldBe(1);
    }

    [Fact]
    public async Task Should_release_the_key_of_a_request_the_client_gave_up_on()
    {
        using var client = Streaming();
        var (key, text) = (NewKey(), $"abandoned {Guid.NewGuid():N}");
        var body = $"[{{\"text\":\"{text}\"}}]";
        using var giveUp = new CancellationTokenSource();
        var slow = client.SendAsync(Request(HttpMethod.Post, "/notes/import", key, new HeldContent(body, Task.Delay(Timeout.Infinite, giveUp.Token))), giveUp.Token);
        await ClaimedAsync(key);

        await giveUp.CancelAsync();
        await Should.ThrowAsync<OperationCanceledException>(slow);
        await ReleasedAsync(key);

        using var retry = await client.SendAsync(Request(HttpMethod.Post, "/notes/import", key, HttpJson.AsJson(body)));
        retry.StatusCode.ShouldBe(HttpStatusCode.OK, await retry.Content.ReadAsStringAsync());
        (await CountAsync(text)).ShouldBe(1);
    }

    [Fact]
    public async Task Should_replay_a_validation_problem_as_it_was_answered()
    {
        using var client = api.CreateClient();
        var key = NewKey();

        using var first = await client.SendAsync(Post("/notes", key, new { text = " " }));
        using var second = await client.SendAsync(Post("/notes", key, new { text = " " }));

        await first.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);
        await ShouldBeTheSameAnswerAsync(second, first);
    }

    [Fact]
    public async Task Should_replay_a_precondition_failure_as_it_was_answered()
    {
        using var client = api.CreateClient();
        var note = await (await client.PostAsJsonAsync("/notes", new { text = "guarded" })).ShouldBeNoteAsync();
        var key = NewKey();
        HttpRequestMessage Stale()
        {
            var request = Patch(note.Id(), key, new { completed = true });
            request.Headers.TryAddWithoutValidation("If-Match", "\"7\"");
            return request;
        }

        using var first = await client.SendAsync(Stale());
        using var second = await client.SendAsync(Stale());

        await first.ShouldBeProblemAsync(HttpStatusCode.PreconditionFailed);
        await ShouldBeTheSameAnswerAsync(second, first);
    }

    [Theory]
    [InlineData("\"\"")]
    [InlineData("a key with é")]
    [InlineData("tab\there")]
    [InlineData("256")]
    [InlineData("two")]
    public async Task Should_answer_400_to_an_invalid_key_and_store_nothing(string key)
    {
        using var client = api.CreateClient();
        var text = $"never {Guid.NewGuid():N}";
        var request = new HttpRequestMessage(HttpMethod.Post, "/notes") { Content = JsonContent.Create(new { text }) };
        switch (key)
        {
            case "256":
                request.Headers.Add(IdempotencyMiddleware.Header, new string('k', 256));
                break;
            case "two":
                request.Headers.TryAddWithoutValidation(IdempotencyMiddleware.Header, ["one", "two"]);
                break;
            default:
                request.Headers.TryAddWithoutValidation(IdempotencyMiddleware.Header, key);
                break;
        }

        using var response = await client.SendAsync(request);

        (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest))["title"]!.GetValue<string>().ShouldContain(IdempotencyMiddleware.Header);
        (await CountAsync(text)).ShouldBe(0);
    }

    [Fact]
    public async Task Should_take_the_key_as_a_structured_field_string_or_bare_alike()
    {
        using var client = api.CreateClient();
        var (key, text) = (NewKey(), $"quoted {Guid.NewGuid():N}");
        var longest = NewKey().PadRight(255, 'k');

        using var bare = await client.SendAsync(Post("/notes", key, new { text }));
        using var quoted = await client.SendAsync(Post("/notes", $"\"{key}\"", new { text }));
        using var longKey = await client.SendAsync(Post("/notes", longest, new { text = "longest key" }));

        await ShouldBeTheSameAnswerAsync(quoted, bare);
        await longKey.ShouldBeNoteAsync();
        (await CountAsync(text)).ShouldBe(1);
    }

    [Theory]
    [InlineData("emoji 😀 and ünïcödé")]
    [InlineData("a NUL \u0000 inside")]
    public async Task Should_keep_and_replay_any_body(string text)
    {
        using var client = api.CreateClient();
        var key = NewKey();
        var marked = $"{text} {Guid.NewGuid():N}";

        using var first = await client.SendAsync(Post("/notes", key, new { text = marked }));
        using var second = await client.SendAsync(Post("/notes", key, new { text = marked }));

        ((int)first.StatusCode).ShouldBeOneOf(200, 422);
        await ShouldBeTheSameAnswerAsync(second, first);
        if (!text.Contains('\0', StringComparison.Ordinal))
        {
            (await CountAsync(marked)).ShouldBe(1);
        }
    }

    [Fact]
    public async Task Should_take_over_a_claim_its_instance_abandoned()
    {
        using var client = api.CreateClient();
        var (key, text) = (NewKey(), $"taken over {Guid.NewGuid():N}");
        await api.SqlAsync($"insert into {Keys} (owner, idempotency_key, created_at, locked_until) values ('{Caller.OpenModeOwner}', '{key}', now() - interval '20 minutes', now() - interval '1 second')");

        using var response = await client.SendAsync(Post("/notes", key, new { text }));

        await response.ShouldBeNoteAsync();
        (await CountAsync(text)).ShouldBe(1);
    }

    [Fact]
    public async Task Should_run_a_request_again_once_its_answer_expired()
    {
        using var client = api.CreateClient();
        var (key, text) = (NewKey(), $"expired {Guid.NewGuid():N}");
        var first = await (await client.SendAsync(Post("/notes", key, new { text }))).ShouldBeNoteAsync();
        await api.SqlAsync($"update {Keys} set created_at = now() - interval '25 hours' where idempotency_key = '{key}'");

        var second = await (await client.SendAsync(Post("/notes", key, new { text }))).ShouldBeNoteAsync();

        second.Id().ShouldNotBe(first.Id());
        (await CountAsync(text)).ShouldBe(2);
    }

    [Fact]
    public async Task Should_purge_expired_answers_and_keep_the_others()
    {
        using var client = api.CreateClient();
        var (expired, kept) = (NewKey(), NewKey());
        await (await client.SendAsync(Post("/notes", expired, new { text = "expires" }))).ShouldBeNoteAsync();
        await (await client.SendAsync(Post("/notes", kept, new { text = "stays" }))).ShouldBeNoteAsync();
        await api.SqlAsync($"update {Keys} set created_at = now() - interval '25 hours' where idempotency_key = '{expired}'");

        (await api.Services.GetRequiredService<IdempotencyKeys>().PurgeAsync(CancellationToken.None)).ShouldBeGreaterThanOrEqualTo(1);

        (await api.SqlAsync($"select count(*) from {Keys} where idempotency_key in ('{expired}', '{kept}')")).ShouldBe(1L);
        (await api.SqlAsync($"select idempotency_key from {Keys} where idempotency_key in ('{expired}', '{kept}')")).ShouldBe(kept);
    }

    [Fact]
    public async Task Should_write_as_before_without_the_header()
    {
        using var client = api.CreateClient();
        var text = $"no key {Guid.NewGuid():N}";

        await (await client.PostAsJsonAsync("/notes", new { text })).ShouldBeNoteAsync();
        await (await client.PostAsJsonAsync("/notes", new { text })).ShouldBeNoteAsync();

        (await CountAsync(text)).ShouldBe(2);
    }

    [Fact]
    public async Task Should_describe_the_header_on_the_three_writes_in_the_api_document()
    {
        using var client = api.CreateClient();
        var document = (await client.GetFromJsonAsync<JsonObject>("/openapi.json"))!;

        foreach (var (path, method) in new[] { ("/notes", "post"), ("/notes/import", "post"), ("/notes/{id}", "patch") })
        {
            var operation = document["paths"]![path]![method]!;
            operation["parameters"]!.AsArray().ShouldContain(parameter => parameter!["name"]!.GetValue<string>() == IdempotencyMiddleware.Header && parameter["in"]!.GetValue<string>() == "header");
            operation["responses"]!["409"].ShouldNotBeNull();
        }

        document["paths"]!["/notes/{id}"]!["put"]!["parameters"]!.AsArray()
            .ShouldNotContain(parameter => parameter!["name"]!.GetValue<string>() == IdempotencyMiddleware.Header);
    }

    /// <summary>A client that sends a body as it comes (following redirects, it would buffer it first, to send it again).</summary>
    private HttpClient Streaming() => api.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    private string Keys => $"{api.Services.GetRequiredService<IDocumentStore>().Options.DatabaseSchemaName}.{IdempotencyKeys.TableName}";

    internal static string NewKey() => Guid.NewGuid().ToString();

    internal static HttpRequestMessage Post(string path, string key, object body) => Request(HttpMethod.Post, path, key, JsonContent.Create(body));

    private static HttpRequestMessage Patch(long id, string key, object body) => Request(HttpMethod.Patch, $"/notes/{id}", key, JsonContent.Create(body));

    internal static HttpRequestMessage Request(HttpMethod method, string path, string key, HttpContent content)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.TryAddWithoutValidation(IdempotencyMiddleware.Header, key);
        return request;
    }

    internal static async Task ShouldBeTheSameAnswerAsync(HttpResponseMessage repeat, HttpResponseMessage first)
    {
        repeat.StatusCode.ShouldBe(first.StatusCode);
        (await repeat.Content.ReadAsStringAsync()).ShouldBe(await first.Content.ReadAsStringAsync());
        repeat.Headers.ETag.ShouldBe(first.Headers.ETag);
        repeat.Content.Headers.ContentType.ShouldBe(first.Content.Headers.ContentType);
    }

    private Task<int> CountAsync(string text) => api.QueryAsync(session => session.Query<Note>().CountAsync(note => note.Text == text));

    private async Task ClaimedAsync(string key)
    {
        for (var waited = 0; waited < 200; waited++)
        {
            if (await api.SqlAsync($"select count(*) from {Keys} where idempotency_key = '{key}' and status is null") is 1L)
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new ShouldAssertException($"Idempotency-Key {key} was never claimed.");
    }

    private async Task ReleasedAsync(string key)
    {
        for (var waited = 0; waited < 200; waited++)
        {
            if (await api.SqlAsync($"select count(*) from {Keys} where idempotency_key = '{key}'") is 0L)
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new ShouldAssertException($"Idempotency-Key {key} was never released.");
    }

    /// <summary>A JSON body that sends its first byte at once and the rest when <paramref name="gate"/> completes.</summary>
    internal sealed class HeldContent(string body, Task gate) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            var bytes = Encoding.UTF8.GetBytes(body);
            await stream.WriteAsync(bytes.AsMemory(0, 1));
            await stream.FlushAsync();
            await gate;
            await stream.WriteAsync(bytes.AsMemory(1));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}

/// <summary>Keys are each owner's: two people may use the same one for their own requests.</summary>
public sealed class IdempotencyKeyOwnersTests(BearerTokenTests.SignedInApi api) : IClassFixture<BearerTokenTests.SignedInApi>
{
    [Fact]
    public async Task Should_keep_the_same_key_of_two_owners_apart()
    {
        using var alice = api.ClientWith(api.Issuer.Token($"alice-{Guid.NewGuid():N}"));
        using var bob = api.ClientWith(api.Issuer.Token($"bob-{Guid.NewGuid():N}"));
        var key = IdempotencyKeyTests.NewKey();

        var alices = await (await alice.SendAsync(IdempotencyKeyTests.Post("/notes", key, new { text = "alice's" }))).ShouldBeNoteAsync();
        var bobs = await (await bob.SendAsync(IdempotencyKeyTests.Post("/notes", key, new { text = "bob's" }))).ShouldBeNoteAsync();
        using var alicesAgain = await alice.SendAsync(IdempotencyKeyTests.Post("/notes", key, new { text = "alice's" }));

        bobs.Id().ShouldNotBe(alices.Id());
        (await alicesAgain.ShouldBeNoteAsync()).Id().ShouldBe(alices.Id());
        (await (await bob.GetAsync($"/notes/{bobs.Id()}")).ShouldBeNoteAsync()).Text().ShouldBe("bob's");
    }
}

/// <summary>A retry that a balancer sends to another instance finds the first answer: the keys are in the database.</summary>
public sealed class IdempotencyKeyInstancesTests(InstancesOnOneDatabase instances) : IClassFixture<InstancesOnOneDatabase>
{
    [Fact]
    public async Task Should_answer_a_retry_through_another_instance_with_the_first_answer()
    {
        using var one = instances.Instances[0].CreateClient();
        using var other = instances.Instances[1].CreateClient();
        var (key, text) = (IdempotencyKeyTests.NewKey(), $"across {Guid.NewGuid():N}");

        using var first = await one.SendAsync(IdempotencyKeyTests.Post("/notes", key, new { text }));
        using var retry = await other.SendAsync(IdempotencyKeyTests.Post("/notes", key, new { text }));

        await first.ShouldBeNoteAsync();
        await IdempotencyKeyTests.ShouldBeTheSameAnswerAsync(retry, first);
        var table = instances.Instances[1].Table;
        await using var connection = await OwnerConnections.OpenAsync(instances.ConnectionString, Caller.OpenModeOwner);
        await using var count = new NpgsqlCommand($"select count(*) from {table.Name} where {table.Data} ->> 'text' = $1", connection) { Parameters = { new() { Value = text } } };
        (await count.ExecuteScalarAsync()).ShouldBe(1L);
    }
}

/// <summary>An answer that is the server's fault (here a request stopped by its time limit) is not kept: the client may retry.</summary>
public sealed class IdempotencyKeyFailureTests(IdempotencyKeyFailureTests.ShortImports api) : IClassFixture<IdempotencyKeyFailureTests.ShortImports>
{
    public sealed class ShortImports() : ConfiguredNotesApi(new Dictionary<string, string?> { ["RequestTimeouts:LongRunningSeconds"] = "1" });

    [Fact]
    public async Task Should_release_the_key_of_a_request_answered_with_a_5xx()
    {
        using var client = api.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var (key, text) = (IdempotencyKeyTests.NewKey(), $"timed out {Guid.NewGuid():N}");
        var body = $"[{{\"text\":\"{text}\"}}]";

        using var slow = await client.SendAsync(IdempotencyKeyTests.Request(
            HttpMethod.Post, "/notes/import", key, new IdempotencyKeyTests.HeldContent(body, Task.Delay(TimeSpan.FromSeconds(3)))));
        using var retry = await client.SendAsync(IdempotencyKeyTests.Request(HttpMethod.Post, "/notes/import", key, HttpJson.AsJson(body)));

        await slow.ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable);
        retry.StatusCode.ShouldBe(HttpStatusCode.OK, await retry.Content.ReadAsStringAsync());
        (await api.QueryAsync(session => session.Query<Note>().CountAsync(note => note.Text == text))).ShouldBe(1);
    }
}
