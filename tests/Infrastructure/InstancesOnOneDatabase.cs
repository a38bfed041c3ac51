namespace Notes.Tests.Infrastructure;

/// <summary>Several API instances on one database of their own, as behind a balancer (two unless a subclass says).</summary>
public class InstancesOnOneDatabase : IAsyncLifetime
{
    private readonly List<Instance> _instances = [];
    private string? _connectionString;

    public IReadOnlyList<NotesApi> Instances => _instances;

    public string ConnectionString => _connectionString ?? throw new InvalidOperationException("The fixture is not initialised yet.");

    protected virtual int Count => 2;

    /// <summary>One more instance on the shared database.</summary>
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
        for (var i = 0; i < Count; i++)
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
}
