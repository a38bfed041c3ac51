using Marten;
using Microsoft.Extensions.DependencyInjection;
using Notes.Features.Notes;
using Notes.Infrastructure.Database;
using Weasel.Core.Sequences;

namespace Notes.Tests.Infrastructure;

public sealed class HiLoIdsTests(NotesApi api) : IClassFixture<NotesApi>
{
    private HiLoIds<Note> Ids => api.Services.GetRequiredService<HiLoIds<Note>>();

    [Fact]
    public async Task Should_hand_out_distinct_ids_to_many_concurrent_callers_across_blocks()
    {
        var ids = await Task.WhenAll(Enumerable.Range(0, 2500).Select(_ => Ids.NextAsync(CancellationToken.None).AsTask()));

        ids.Distinct().Count().ShouldBe(2500);
    }

    [Fact]
    public async Task Should_reserve_a_range_that_no_other_caller_takes_ids_from()
    {
        var single = Ids.NextAsync(CancellationToken.None);
        var first = await Ids.ReserveRangeAsync(2500, CancellationToken.None);
        var others = await Task.WhenAll(Enumerable.Range(0, 3000).Select(_ => Ids.NextAsync(CancellationToken.None).AsTask()));

        var range = Enumerable.Range(first, 2500).ToHashSet();
        range.ShouldNotContain(await single);
        others.ShouldAllBe(id => !range.Contains(id));
    }

    [Fact]
    public async Task Should_never_use_martens_own_hilo_which_blocks_a_thread_to_fetch_a_block()
    {
        await Task.WhenAll(Enumerable.Range(0, 50).Select(i => api.SendAsync(new CreateNote.Command($"note {i}"))));

        var store = api.Services.GetRequiredService<IDocumentStore>();
        var sequence = store.Storage.Database.Sequences.SequenceFor(typeof(Note)).ShouldBeAssignableTo<HiloSequenceBase>()!;
        sequence.CurrentHi.ShouldBe(-1); // never fetched a block
    }
}
