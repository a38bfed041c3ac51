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
    public async Task Should_fill_a_batch_with_increasing_ids_no_other_caller_takes()
    {
        var batch = new long[2500];
        var single = Ids.NextAsync(CancellationToken.None);
        var taking = Ids.TakeAsync(batch, CancellationToken.None);
        var others = await Task.WhenAll(Enumerable.Range(0, 3000).Select(_ => Ids.NextAsync(CancellationToken.None).AsTask()));
        await taking;

        batch.ShouldBe(batch.Order());
        batch.Distinct().Count().ShouldBe(2500);
        batch.ShouldNotContain(await single);
        others.ShouldAllBe(id => !batch.Contains(id));
    }

    [Fact]
    public async Task Should_answer_at_once_and_without_asking_the_database_again_when_ids_are_exhausted()
    {
        var store = api.Services.GetRequiredService<IDocumentStore>();
        using var ids = new HiLoIds<ExhaustedDocument>(store);
        var lastHi = (HiLoIds<ExhaustedDocument>.MaxId - 1000) / 1000;
        await api.SqlAsync($"insert into mt_hilo (entity_name, hi_value) values ('{nameof(ExhaustedDocument)}', {lastHi - 1})");

        var lastBlock = await ids.NextAsync(CancellationToken.None);
        for (var i = 1; i < 1000; i++)
        {
            await ids.NextAsync(CancellationToken.None);
        }

        lastBlock.ShouldBe((lastHi * 1000) + 1);
        await Should.ThrowAsync<IdsExhaustedException>(() => ids.NextAsync(CancellationToken.None).AsTask());
        var hiAfterFirstRefusal = await HiAsync();
        await Should.ThrowAsync<IdsExhaustedException>(() => ids.NextAsync(CancellationToken.None).AsTask());
        await Should.ThrowAsync<IdsExhaustedException>(() => ids.TakeAsync(new long[5], CancellationToken.None));
        (await HiAsync()).ShouldBe(hiAfterFirstRefusal);
    }

    [Fact]
    public async Task Should_never_use_martens_own_hilo_which_blocks_a_thread_to_fetch_a_block()
    {
        await Task.WhenAll(Enumerable.Range(0, 50).Select(i => api.SendAsync(new CreateNote.Command($"note {i}"))));

        var store = api.Services.GetRequiredService<IDocumentStore>();
        var sequence = store.Storage.Database.Sequences.SequenceFor(typeof(Note)).ShouldBeAssignableTo<HiloSequenceBase>()!;
        sequence.CurrentHi.ShouldBe(-1); // never fetched a block
    }

    private async Task<long> HiAsync() =>
        (long)(await api.SqlAsync($"select hi_value from mt_hilo where entity_name = '{nameof(ExhaustedDocument)}'"))!;

    private sealed class ExhaustedDocument;
}
