using Notes.Tests.Infrastructure;

namespace Notes.Tests.Hosting;

/// <summary>
/// Instances of a cluster start together on a fresh database: one applies the schema while the others wait for it,
/// and all of them serve. Without that, they race to create the same functions and all but one may fail.
/// </summary>
public sealed class ConcurrentStartupTests
{
    private const int Instances = 4;

    [Fact]
    public async Task Should_start_every_instance_when_several_start_together_on_a_fresh_database()
    {
        var database = await TestDatabaseServer.CreateDatabaseAsync();
        var instances = new List<ApiProcess>();
        try
        {
            for (var i = 0; i < Instances; i++)
            {
                instances.Add(ApiProcess.Start(new Dictionary<string, string> { ["ConnectionStrings:Notes"] = database }));
            }

            using var client = new HttpClient();
            foreach (var instance in instances)
            {
                await instance.WaitUntilReadyAsync(client, TimeSpan.FromSeconds(60));
                instance.Failures.ShouldBeEmpty(instance.Output);
            }
        }
        finally
        {
            foreach (var instance in instances)
            {
                await instance.DisposeAsync();
            }

            await TestDatabaseServer.DropDatabaseAsync(database);
        }
    }
}
