using System.Net.Http.Json;
using Npgsql;
using Notes.Tests.Http;

namespace Notes.Tests.Infrastructure;

/// <summary>
/// Several API instances on one database, as behind a balancer: their first creates, at the same moment on a fresh
/// database, all succeed, with ids unique across the instances (each takes its own blocks of the HiLo table).
/// </summary>
public sealed class SeveralInstancesTests : IAsyncLifetime
{
    private const int Instances = 3;
    private readonly List<Instance> _instances = [];
    private string? _connectionString;

    /// <summary>One more instance on the shared database (the fixture of the first one made it).</summary>
    private sealed class Instance(string connectionString) : NotesApi
    {
        public override Task InitializeAsync()
        {
            _ = Server;
            return Task.CompletedTask;
        }

        protected override string DatabaseConnectionString => connectionString;
    }

    public async Task InitializeAsync()
    {
        _connectionString = await TestDatabaseServer.CreateDatabaseAsync();
        // One after the other: WebApplicationFactory starts one host of a program at a time.
        for (var i = 0; i < Instances; i++)
        {
            var instance = new Instance(_connectionString);
            _instances.Add(instance);
            await instance.InitializeAsync();
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var instance in _instances)
        {
            await instance.DisposeAsync();
        }

        if (_connectionString is not null)
        {
            await TestDatabaseServer.DropDatabaseAsync(_connectionString);
        }
    }

    [Fact]
    public async Task Should_give_notes_created_at_once_through_several_instances_ids_unique_across_them()
    {
        var clients = _instances.Select(instance => instance.CreateClient()).ToArray();

        var responses = await Task.WhenAll(Enumerable.Range(0, 60).Select(i =>
            clients[i % Instances].PostAsJsonAsync("/notes", new { text = $"note {i}" })));

        var ids = new List<int>();
        foreach (var response in responses)
        {
            ids.Add((await response.ShouldBeNoteAsync()).Id());
        }

        ids.Distinct().Count().ShouldBe(60);
        await using (var connection = await OwnerConnections.OpenAsync(_connectionString!))
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
