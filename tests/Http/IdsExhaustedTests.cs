using System.Net;
using System.Net.Http.Json;
using Notes.Infrastructure.Database;
using Notes.Tests.Infrastructure;

namespace Notes.Tests.Http;

/// <summary>An API whose HiLo row is at the last block an id may come from: the next block would pass <see cref="HiLoIds{T}.MaxId"/>.</summary>
public sealed class IdsExhaustedTests(IdsExhaustedTests.LastBlockApi api) : IClassFixture<IdsExhaustedTests.LastBlockApi>
{
    private readonly HttpClient _client = api.CreateClient();

    public sealed class LastBlockApi : NotesApi
    {
        public const long LastHi = (HiLoIds<object>.MaxId - 1000) / 1000;

        public override async Task InitializeAsync()
        {
            await base.InitializeAsync();
            await SqlAsync($"insert into {HiLoTable} (entity_name, hi_value) values ('Note', {LastHi})");
        }
    }

    [Fact]
    public async Task Should_answer_507_at_once_to_every_create_and_import_once_ids_are_exhausted()
    {
        var responses = new List<HttpResponseMessage>();
        for (var i = 0; i < 3; i++)
        {
            responses.Add(await api.ChangesNothingAsync(() => _client.PostAsJsonAsync("/notes", new { text = "no room" })));
            responses.Add(await api.ChangesNothingAsync(() => _client.PostAsync("/notes/import", HttpJson.AsJson("""[{"text":"no room"}]"""))));
        }

        foreach (var response in responses)
        {
            var problem = await response.ShouldBeProblemAsync(HttpStatusCode.InsufficientStorage);
            problem["title"]!.GetValue<string>().ShouldBe("Note ids are exhausted");
        }

        // one trip to the HiLo row found the last block taken; none after it
        (await api.SqlAsync($"select hi_value from {api.HiLoTable} where entity_name = 'Note'")).ShouldBe(LastBlockApi.LastHi + 1);
    }
}
