using Notes.Features.Notes;
using Notes.Tests.Infrastructure;

namespace Notes.Tests.Features.Notes;

/// <summary>The seed's clients count on it: on a fresh database the first note is 1 and the next 2.</summary>
public sealed class FreshDatabaseTests(NotesApi api) : IClassFixture<NotesApi>
{
    [Fact]
    public async Task Should_number_the_notes_of_a_fresh_database_from_1()
    {
        var first = await api.SendAsync(new CreateNote.Command("first"));
        var second = await api.SendAsync(new CreateNote.Command("second"));

        first.Id.ShouldBe(1);
        second.Id.ShouldBe(2);
    }
}
