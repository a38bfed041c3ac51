using Notes.Features.Notes;
using Notes.Tests.Infrastructure;

namespace Notes.Tests.Features.Notes;

/// <summary>
/// Search reads words as PostgreSQL's parser reads the notes (hosts, e-mails, paths, versions, decimals are one word
/// each): each text, inside a note, is found by itself and by the start of it a person types, and its decoy (a
/// near miss) by neither.
/// </summary>
public sealed class SearchWordsTests(SearchWordsTests.NotesAndDecoys api) : IClassFixture<SearchWordsTests.NotesAndDecoys>
{
    public static readonly TheoryData<string, string, string> Texts = new()
    {
        { "example.com", "exam", "sample.com" },
        { "ann@example.com", "ann@exa", "anna@example.com" },
        { "ann+tag@example.com", "ann+tag@ex", "bob+tag@example.com" },
        { "first.last@sub.example.org", "first.last@sub", "first last sub example org" },
        { "/usr/local/bin", "/usr/lo", "/usr/share/bin" },
        { @"C:\Users\ann\notes.txt", @"C:\Users\an", @"D:\Users\ann\notes.txt" },
        { "v1.2.3", "v1.2", "v2.2.3" },
        { "1.0.0-beta.2", "1.0.0-be", "1.0.1-beta.2" },
        { "3.14159", "3.14", "3.15" },
        { "$5.99", "$5.9", "$6.99" },
        { "-42", "-4", "+42" },
        { "2026-12-02", "2026-12", "2026-11-02" },
        { "192.168.1.20", "192.168.1", "192.169.1.20" },
        { "https://example.com/docs?page=2", "https://example.com/do", "https://example.com/blog?page=2" },
        { "https://shop.example.com/cart?item=42&qty=2", "shop.example.com/ca", "https://shop.example.com/checkout?item=42" },
        { "C#", "C", "F# and Go" },
        { "report_final.pdf", "report_fi", "final report.pdf" },
        { "state-of-the-art", "state-of-the", "the state of art" },
        { "O'Brien", "O'Bri", "O'Neil" },
        { "Crème brûlée", "crème brû", "creme brulee" },
        { "naïve café", "naïve ca", "naive cafe" },
        { "中文字符", "中文", "日本語" },
        { "\U00010437\U00010437\U00010437", "\U00010437\U00010437", "\U00010438\U00010438\U00010438" }, // 𐐷𐐷𐐷, outside the BMP
        { "\U00020000\U00020001", "\U00020000", "\U00020002\U00020003" }, // 𠀀𠀁, CJK Extension B
        { "party \U0001F389 tonight", "party \U0001F389 ton", "\U0001F389 tonight, no dancing" },
    };

    public sealed class NotesAndDecoys : NotesApi
    {
        public Dictionary<string, long> Ids { get; } = [];

        public override async Task InitializeAsync()
        {
            await base.InitializeAsync();
            foreach (var row in Texts)
            {
                foreach (var text in new[] { (string)row[0], (string)row[2] })
                {
                    Ids[text] = (await SendAsync(new CreateNote.Command($"note: {text} (end)"))).Id;
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Texts))]
    public async Task Should_find_a_note_by_any_text_copied_out_of_it_and_by_the_start_of_it_a_person_types(string text, string typed, string decoy)
    {
        foreach (var q in new[] { text, typed, text.ToUpperInvariant() })
        {
            var found = (await api.SendAsync(new ListNotes.Query(Take: ListNotes.MaxTake, Q: q))).Notes.Select(note => note.Id).ToArray();

            found.ShouldContain(api.Ids[text], $"q={q}");
            found.ShouldNotContain(api.Ids[decoy], $"q={q}");
        }
    }
}
