using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Notes.Tests.Http;
using Npgsql;

namespace Notes.Tests.Infrastructure;

/// <summary>
/// Multi-host connection strings, as a cluster has them, over the one test server (a primary, listed twice): the
/// server type each side asks for (Target Session Attributes) is the one its connection string names.
/// </summary>
public sealed class TargetSessionTests(TargetSessionTests.StandbyQueries standbyOnly, TargetSessionTests.PreferStandbyQueries preferStandby)
    : IClassFixture<TargetSessionTests.StandbyQueries>, IClassFixture<TargetSessionTests.PreferStandbyQueries>
{
    public abstract class MultiHostApi(string queriesTarget) : NotesApi
    {
        protected override string DatabaseConnectionString => MultiHost(ConnectionString, "primary");

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureAppConfiguration((_, configuration) => configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:NotesQueries"] = MultiHost(ConnectionString, queriesTarget),
            }));
        }

        private static string MultiHost(string connectionString, string target)
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            var server = $"{builder.Host}:{builder.Port}";
            builder.Host = $"{server},{server}";
            builder.TargetSessionAttributes = target;
            return builder.ConnectionString;
        }
    }

    public sealed class StandbyQueries() : MultiHostApi("standby");

    public sealed class PreferStandbyQueries() : MultiHostApi("prefer-standby");

    [Fact]
    public async Task Should_answer_queries_503_while_no_server_of_the_type_they_ask_for_answers_and_still_take_commands()
    {
        using var client = standbyOnly.CreateClient();

        var created = await (await client.PostAsJsonAsync("/notes", new { text = "stored on the primary" })).ShouldBeNoteAsync();

        var read = await client.GetAsync($"/notes/{created.Id()}");
        await read.ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable);
        read.Headers.RetryAfter.ShouldNotBeNull();
        (await client.GetAsync("/health/ready")).StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
    }

    [Fact]
    public async Task Should_read_from_the_primary_when_queries_prefer_a_standby_and_there_is_none()
    {
        using var client = preferStandby.CreateClient();

        var created = await (await client.PostAsJsonAsync("/notes", new { text = "read back without a standby" })).ShouldBeNoteAsync();

        var read = await (await client.GetAsync($"/notes/{created.Id()}")).ShouldBeNoteAsync();
        read.Text().ShouldBe("read back without a standby");
        (await client.GetAsync("/health/ready")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
