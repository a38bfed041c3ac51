using System.Net.Http.Json;
using Npgsql;
using Notes.Tests.Http;

namespace Notes.Tests.Infrastructure;

/// <summary>
/// Several API instances on one database, as behind a balancer: their first creates, at the same moment on a fresh
/// database, all succeed, with ids unique across the instances (each takes its own blocks of the HiLo table).
/// </summary>
public sealed class SeveralInstancesTests(SeveralInstancesTests.ThreeInstances fixture) : IClassFixture<SeveralInstancesTests.ThreeInstances>
{
    private const int InstanceCount = 3;

    public sealed class ThreeInstances : InstancesOnOneDatabase
    {
        protected override int Count => InstanceCount;
    }

    [Fact]
    public async Task Should_give_notes_created_at_once_through_several_instances_ids_unique_across_them()
    {
        var clients = fixture.Instances.Select(instance => instance.CreateClient()).ToArray();

        var responses = await Task.WhenAll(Enumerable.Range(0, 60).Select(i =>
            clients[i % InstanceCount].PostAsJsonAsync("/notes", new { text = $"note {i}" })));

        var ids = new List<int>();
        foreach (var response in responses)
        {
            ids.Add((await response.ShouldBeNoteAsync()).Id());
        }

        ids.Distinct().Count().ShouldBe(60);
        await using (var connection = await OwnerConnections.OpenAsync(fixture.ConnectionString))
        await using (var count = new NpgsqlCommand("select count(*) from mt_doc_note", connection))
        {
            (await count.ExecuteScalarAsync()).ShouldBe(60L);
        }

        foreach (var client in clients)
        {
            client.Dispose();
        }
    }
}
