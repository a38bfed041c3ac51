using Marten;
using Notes.Features.Notes;
using Notes.Tests.Infrastructure;

namespace Notes.Tests.Features.Notes;

/// <summary>Filters, full-text search and orders over a small set of notes made once for the class.</summary>
public sealed class SearchAndFilterTests(SearchAndFilterTests.Shopping api) : IClassFixture<SearchAndFilterTests.Shopping>
{
    public sealed class Shopping : NotesApi
    {
        public static readonly (string Text, bool Completed)[] Notes =
        [
            ("Buy milk", false),
            ("Milkshake recipe", true),
            ("Call Ann about the milk", true),
            ("Buy bread", false),
            ("Similar but not the same", false),
            ("Ünïcödé Müller café", false),
            ("buy MILK and honey", true),
            ("Book the train", false),
        ];

        public override async Task InitializeAsync()
        {
            await base.InitializeAsync();
            foreach (var (text, completed) in Notes)
            {
                await SendAsync(new CreateNote.Command(text, completed));
            }

            // touched later, so that the updatedAt order differs from the createdAt order
            await SendAsync(new PatchNote.Command(4, new PatchNote.Body(Text: "Buy rye bread", Completed: default)));
            await SendAsync(new PatchNote.Command(1, new PatchNote.Body(Text: default, Completed: true)));
        }
    }

    [Theory]
    [InlineData("mil", new[] { 1, 2, 3, 7 })]
    [InlineData("MILK", new[] { 1, 2, 3, 7 })]
    [InlineData("buy mil", new[] { 1, 7 })]
    [InlineData("milk buy", new[] { 1, 7 })]
    [InlineData("bread", new[] { 4 })]
    [InlineData("brea", new[] { 4 })]
    [InlineData("read", new int[0])]
    [InlineData("müll", new[] { 6 })]
    [InlineData("café", new[] { 6 })]
    [InlineData("train!", new[] { 8 })]
    [InlineData("nothing-like-it", new int[0])]
    public async Task Should_find_notes_holding_every_word_with_the_last_as_a_prefix(string q, int[] ids)
    {
        var page = await api.SendAsync(new ListNotes.Query(Q: q, Count: ListNotes.Counting.Exact));

        page.Notes.Select(note => note.Id).ShouldBe(ids.Select(id => (long)id));
        page.Total.ShouldBe(new ListNotes.Total(ids.Length, Exact: true));
    }

    [Theory]
    [InlineData("' & | ! : * ( )")]
    [InlineData("'); drop table mt_doc_note; --")]
    [InlineData("\\\\ \" <script>")]
    [InlineData("milk' | 'bread")]
    [InlineData("mi\\lk:*")]
    public async Task Should_search_safely_for_text_that_is_made_of_query_syntax(string q)
    {
        var page = await api.SendAsync(new ListNotes.Query(Q: q, Count: ListNotes.Counting.Exact));

        page.Notes.ShouldBeEmpty();
        page.Total.ShouldBe(new ListNotes.Total(0, Exact: true));
        (await api.QueryAsync(session => session.Query<Note>().CountAsync())).ShouldBe(Shopping.Notes.Length);
    }

    [Theory]
    [InlineData("\U00010437\U00010437\U00010437")] // 𐐷𐐷𐐷, outside the Basic Multilingual Plane
    [InlineData("\U00020000\U00020001")] // 𠀀𠀁, CJK Extension B
    [InlineData("\U0001F600")] // 😀, which PostgreSQL's parser does not take as a word
    [InlineData("!!!")]
    [InlineData("   ")]
    [InlineData("-")]
    public async Task Should_never_widen_a_search_to_every_note(string q)
    {
        var page = await api.SendAsync(new ListNotes.Query(Q: q, Count: ListNotes.Counting.Exact));
        var streamed = new List<long>();
        await foreach (var note in await api.SendAsync(new StreamAllNotes.Query(Completed: null, Q: q, Sort: null)))
        {
            streamed.Add(note.Id);
        }

        page.Notes.ShouldBeEmpty();
        page.Total.ShouldBe(new ListNotes.Total(0, Exact: true));
        streamed.ShouldBeEmpty();
    }

    [Theory]
    [InlineData(true, new[] { 1, 2, 3, 7 })]
    [InlineData(false, new[] { 4, 5, 6, 8 })]
    public async Task Should_filter_by_completed(bool completed, int[] ids)
    {
        var page = await api.SendAsync(new ListNotes.Query(Completed: completed, Count: ListNotes.Counting.Exact));

        page.Notes.Select(note => note.Id).ShouldBe(ids.Select(id => (long)id));
        page.Total.ShouldBe(new ListNotes.Total(4, Exact: true));
    }

    [Fact]
    public async Task Should_combine_search_completed_sort_and_paging()
    {
        var first = await api.SendAsync(new ListNotes.Query(Take: 1, Completed: true, Q: "milk", Sort: "-id", Count: ListNotes.Counting.Exact));
        var second = await api.SendAsync(new ListNotes.Query(Take: 1, Completed: true, Q: "milk", Sort: "-id", After: first.Next, Count: ListNotes.Counting.Exact));
        var third = await api.SendAsync(new ListNotes.Query(Skip: 1, Take: 2, Completed: true, Q: "milk", Sort: "-id", After: second.Next, Count: ListNotes.Counting.Exact));

        first.Notes.Single().Id.ShouldBe(7);
        second.Notes.Single().Id.ShouldBe(3);
        third.Notes.Select(note => note.Id).ShouldBe([1]);
        new[] { first.Total, second.Total, third.Total }.ShouldAllBe(total => total == new ListNotes.Total(4, true));
    }

    [Theory]
    [InlineData("id", new[] { 1, 2, 3, 4, 5, 6, 7, 8 })]
    [InlineData("-id", new[] { 8, 7, 6, 5, 4, 3, 2, 1 })]
    [InlineData("createdAt", new[] { 1, 2, 3, 4, 5, 6, 7, 8 })]
    [InlineData("-createdAt", new[] { 8, 7, 6, 5, 4, 3, 2, 1 })]
    [InlineData("updatedAt", new[] { 2, 3, 5, 6, 7, 8, 4, 1 })]
    [InlineData("-updatedAt", new[] { 1, 4, 8, 7, 6, 5, 3, 2 })]
    public async Task Should_order_by_each_sort_key_and_page_through_it_by_cursor(string sort, int[] ids)
    {
        var whole = await api.SendAsync(new ListNotes.Query(Sort: sort));
        var paged = new List<long>();
        string? after = null;
        do
        {
            var page = await api.SendAsync(new ListNotes.Query(Take: 3, Sort: sort, After: after));
            paged.AddRange(page.Notes.Select(note => note.Id));
            after = page.Next;
        }
        while (after is not null);

        whole.Notes.Select(note => note.Id).ShouldBe(ids.Select(id => (long)id));
        paged.ShouldBe(ids.Select(id => (long)id));
    }

    [Fact]
    public async Task Should_stream_every_note_that_matches_in_the_order_asked()
    {
        var streamed = new List<long>();
        await foreach (var note in await api.SendAsync(new StreamAllNotes.Query(Completed: false, Q: "b", Sort: "-updatedAt")))
        {
            streamed.Add(note.Id);
        }

        streamed.ShouldBe([4, 8, 5]); // "Buy rye bread" (touched last), "Book the train", "Similar but not the same"
    }
}
