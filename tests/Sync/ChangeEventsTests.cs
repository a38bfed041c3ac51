using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Notes.Features.Notes;
using Notes.Tests.Http;
using Notes.Tests.Infrastructure;

namespace Notes.Tests.Sync;

/// <summary>GET /notes/changes with <c>Accept: text/event-stream</c>: changes as server-sent events, resumed after Last-Event-ID.</summary>
public sealed class ChangeEventsTests(NotesApi api) : IClassFixture<NotesApi>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Should_stream_each_change_as_an_event_and_resume_after_the_last_event_seen()
    {
        using var client = api.CreateClient();
        var now = (await client.GetFromJsonAsync<JsonObject>("/notes/changes?since=now"))!["lastSeq"]!.GetValue<string>();
        using var stream = await OpenAsync(client, since: now);

        var first = await (await client.PostAsJsonAsync("/notes", new { text = "first event 💡" })).ShouldBeNoteAsync();
        var (id, data) = await stream.NextEventAsync(Patience);
        stream.Dispose();
        var second = await (await client.PostAsJsonAsync("/notes", new { text = "second event" })).ShouldBeNoteAsync();
        using var resumed = await OpenAsync(client, lastEventId: id);
        var (_, next) = await resumed.NextEventAsync(Patience);

        data["id"]!.GetValue<int>().ShouldBe(first.Id());
        data["note"]!.AsObject().Text().ShouldBe("first event 💡");
        next["id"]!.GetValue<int>().ShouldBe(second.Id());
    }

    [Fact]
    public async Task Should_give_back_the_slot_of_a_client_that_vanishes()
    {
        using var client = api.CreateClient();
        var slots = api.Services.GetRequiredService<ChangeStreamSlots>();
        var before = slots.Available;

        var stream = await OpenAsync(client, since: "now");
        slots.Available.ShouldBe(before - 1);
        stream.Dispose();

        var deadline = DateTime.UtcNow + Patience;
        while (slots.Available != before)
        {
            DateTime.UtcNow.ShouldBeLessThan(deadline, "the stream kept its slot after its client went");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task Should_answer_422_to_a_last_event_id_that_is_no_position()
    {
        using var client = api.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/notes/changes") { Headers = { { "Accept", "text/event-stream" } } };
        request.Headers.Add("Last-Event-ID", "not-a-position");

        var response = await client.SendAsync(request);

        // the status alone: a client that accepts only text/event-stream is sent no problem document
        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
    }

    private static async Task<EventStream> OpenAsync(HttpClient client, string? since = null, string? lastEventId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, since is null ? "/notes/changes" : $"/notes/changes?since={since}");
        request.Headers.Add("Accept", "text/event-stream");
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/event-stream");
        return new EventStream(response, new StreamReader(await response.Content.ReadAsStreamAsync()));
    }

    private sealed class EventStream(HttpResponseMessage response, StreamReader reader) : IDisposable
    {
        /// <summary>The next event's id and data (heartbeat comments skipped).</summary>
        public async Task<(string Id, JsonObject Data)> NextEventAsync(TimeSpan patience)
        {
            using var timeout = new CancellationTokenSource(patience);
            string? id = null;
            while (await reader.ReadLineAsync(timeout.Token) is { } line)
            {
                if (line.StartsWith("id: ", StringComparison.Ordinal))
                {
                    id = line[4..];
                }
                else if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    return (id.ShouldNotBeNull(), JsonNode.Parse(line[6..])!.AsObject());
                }
            }

            throw new ShouldAssertException("the stream ended without an event");
        }

        public void Dispose()
        {
            reader.Dispose();
            response.Dispose();
        }
    }
}
