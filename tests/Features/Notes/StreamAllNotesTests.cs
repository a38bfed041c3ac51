using MediatR;
using Microsoft.Extensions.DependencyInjection;
using Notes.Features.Notes;
using Notes.Tests.Infrastructure;

namespace Notes.Tests.Features.Notes;

public sealed class StreamAllNotesTests(NotesApi api) : IClassFixture<NotesApi>
{
    [Fact]
    public async Task Should_stream_every_note_in_id_order_across_pages()
    {
        var notes = Enumerable.Range(1, (2 * StreamAllNotes.PageSize) + 1)
            .Select(i => new Note { Text = $"note {i}", CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow })
            .ToList();
        await api.InsertAsync(notes);

        await using var scope = api.Services.CreateAsyncScope();
        var mediator = scope.ServiceProvider.GetRequiredService<IMediator>();
        var streamed = new List<StoredNote>();
        await foreach (var note in await mediator.Send(new StreamAllNotes.Query()))
        {
            streamed.Add(note);
        }

        streamed.Count.ShouldBe(notes.Count);
        streamed.Select(note => note.Id).ShouldBe(notes.Select(note => note.Id).Order());
        streamed[^1].Text.ShouldBe($"note {notes.Count}");
    }
}
