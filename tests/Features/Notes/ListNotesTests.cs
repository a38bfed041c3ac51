using FluentValidation;
using Marten;
using Notes.Features.Notes;
using Notes.Tests.Infrastructure;

namespace Notes.Tests.Features.Notes;

/// <summary>Pages over a fixed set of 45 notes, made once for the class.</summary>
public sealed class ListNotesTests(ListNotesTests.FortyFiveNotes api) : IClassFixture<ListNotesTests.FortyFiveNotes>
{
    public sealed class FortyFiveNotes : NotesApi
    {
        public override async Task InitializeAsync()
        {
            await base.InitializeAsync();
            for (var i = 1; i <= 45; i++)
            {
                await SendAsync(new CreateNote.Command($"note {i}"));
            }
        }
    }

    [Fact]
    public async Task Should_return_the_first_20_notes_in_id_order_by_default()
    {
        var page = await api.SendAsync(new ListNotes.Query());

        page.Count.ShouldBe(20);
        page.Select(note => note.Id).ShouldBe(Enumerable.Range(1, 20));
        page[0].Text.ShouldBe("note 1");
    }

    [Fact]
    public async Task Should_skip_and_take()
    {
        var page = await api.SendAsync(new ListNotes.Query(Skip: 40, Take: 10));

        page.Select(note => note.Text).ShouldBe(["note 41", "note 42", "note 43", "note 44", "note 45"]);
    }

    [Fact]
    public async Task Should_return_an_empty_page_past_the_end()
    {
        var page = await api.SendAsync(new ListNotes.Query(Skip: 45));

        page.ShouldBeEmpty();
    }

    [Fact]
    public async Task Should_reject_a_negative_skip()
    {
        var failure = await Should.ThrowAsync<ValidationException>(() => api.SendAsync(new ListNotes.Query(Skip: -1)));

        failure.Errors.ShouldHaveSingleItem().PropertyName.ShouldBe("Skip");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(1001)]
    public async Task Should_reject_a_take_outside_1_to_1000(int take)
    {
        var failure = await Should.ThrowAsync<ValidationException>(() => api.SendAsync(new ListNotes.Query(Take: take)));

        failure.Errors.ShouldHaveSingleItem().PropertyName.ShouldBe("Take");
    }

    [Fact]
    public async Task Should_take_up_to_1000()
    {
        var page = await api.SendAsync(new ListNotes.Query(Take: 1000));

        page.Count.ShouldBe(await api.QueryAsync(session => session.Query<Note>().CountAsync()));
    }
}
