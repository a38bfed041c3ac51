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
    public async Task Should_return_the_first_20_notes_in_id_order_by_default_without_counting_them()
    {
        var page = await api.SendAsync(new ListNotes.Query());

        page.Notes.Count.ShouldBe(20);
        page.Notes.Select(note => note.Id).ShouldBe(Enumerable.Range(1, 20).Select(id => (long)id));
        page.Notes[0].Text.ShouldBe("note 1");
        page.Total.ShouldBeNull();
        page.Next.ShouldBe("20");
    }

    [Theory]
    [InlineData(ListNotes.Counting.Exact)]
    [InlineData(ListNotes.Counting.Estimated)]
    public async Task Should_count_every_matching_note_exactly_when_asked_and_no_more_than_the_limit_match(ListNotes.Counting counting)
    {
        var page = await api.SendAsync(new ListNotes.Query(Take: 5, Count: counting));

        page.Notes.Count.ShouldBe(5);
        page.Total.ShouldBe(new ListNotes.Total(45, Exact: true));
    }

    [Fact]
    public async Task Should_skip_and_take()
    {
        var page = await api.SendAsync(new ListNotes.Query(Skip: 40, Take: 10));

        page.Notes.Select(note => note.Text).ShouldBe(["note 41", "note 42", "note 43", "note 44", "note 45"]);
        page.Next.ShouldBeNull(); // the page is not full: there is no next one
    }

    [Fact]
    public async Task Should_return_an_empty_page_past_the_end()
    {
        var page = await api.SendAsync(new ListNotes.Query(Skip: 45, Count: ListNotes.Counting.Exact));

        page.Notes.ShouldBeEmpty();
        page.Total.ShouldBe(new ListNotes.Total(45, Exact: true));
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

        page.Notes.Count.ShouldBe(await api.QueryAsync(session => session.Query<Note>().CountAsync()));
    }

    [Fact]
    public async Task Should_continue_after_a_cursor_through_every_note_exactly_once()
    {
        var seen = new List<long>();
        string? after = null;
        do
        {
            var page = await api.SendAsync(new ListNotes.Query(Take: 7, After: after));
            seen.AddRange(page.Notes.Select(note => note.Id));
            after = page.Next;
        }
        while (after is not null);

        seen.ShouldBe(Enumerable.Range(1, 45).Select(id => (long)id));
    }

    [Theory]
    [InlineData("id", "20")]
    [InlineData("-id", "0")]
    [InlineData("-id", "26")]
    public async Task Should_take_a_plain_id_as_the_cursor_of_the_id_orders(string sort, string after)
    {
        var page = await api.SendAsync(new ListNotes.Query(Take: 3, Sort: sort, After: after));

        page.Notes.Select(note => note.Id).ShouldBe(sort == "id" ? [21, 22, 23] : after == "0" ? [] : [25, 24, 23]);
    }

    [Theory]
    [InlineData("id", "abc")]
    [InlineData("id", "-1")]
    [InlineData("id", "1.5")]
    [InlineData("createdAt", "20")]
    [InlineData("createdAt", "not-a-cursor!")]
    [InlineData("-updatedAt", "Y3JlYXRlZEF0OjE6Mg")] // a cursor of createdAt, not of updatedAt
    public async Task Should_reject_a_cursor_that_is_not_one_of_the_order(string sort, string after)
    {
        var failure = await Should.ThrowAsync<ValidationException>(() => api.SendAsync(new ListNotes.Query(Sort: sort, After: after)));

        failure.Errors.ShouldHaveSingleItem().PropertyName.ShouldBe("After");
    }

    [Fact]
    public async Task Should_reject_an_unknown_sort_key_naming_the_allowed_ones()
    {
        var failure = await Should.ThrowAsync<ValidationException>(() => api.SendAsync(new ListNotes.Query(Sort: "colour")));

        failure.Errors.ShouldHaveSingleItem().ErrorMessage.ShouldBe("'sort' must be one of id, -id, createdAt, -createdAt, updatedAt, -updatedAt, not 'colour'.");
    }

    [Fact]
    public async Task Should_reject_a_search_over_100_characters()
    {
        var failure = await Should.ThrowAsync<ValidationException>(() => api.SendAsync(new ListNotes.Query(Q: new string('m', 101))));

        failure.Errors.ShouldHaveSingleItem().ErrorMessage.ShouldBe("'q' must be at most 100 characters (it was 101).");
    }
}
