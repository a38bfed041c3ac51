using JasperFx;
using Marten;
using Marten.Schema;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Notes.Features.Notes;
using Notes.Infrastructure.Database;
using Notes.Infrastructure.Hosting;

namespace Notes.Tests.Database;

/// <summary>
/// At start-up Marten's mapping of notes is checked against what the hand-built statements assume: a mapping they
/// would get wrong (a DELETE that should delete rows rather than move them to the trash, notes without owners or without the policy that keeps owners
/// apart, a column nobody writes) stops the API
/// with one line that says what differs, before it answers anything.
/// </summary>
public sealed class NoteMappingCheckTests
{
    [Fact]
    public async Task Should_not_start_when_notes_are_deleted_for_good()
    {
        (await StartupFailureAsync(options => ((DocumentMapping)((IReadOnlyStoreOptions)options).FindOrResolveDocumentType(typeof(Note))).DeleteStyle = DeleteStyle.Remove)).ShouldBe(
            "Marten's mapping of notes is not what the notes' statements are written for: "
            + "public.mt_doc_note uses Remove deletes, the statements move notes to the trash (SoftDelete).");
    }

    [Fact]
    public async Task Should_not_start_when_notes_have_no_owners()
    {
        (await StartupFailureAsync(options => options.Schema.For<Note>().SingleTenanted())).ShouldBe(
            "Marten's mapping of notes is not what the notes' statements are written for: "
            + "public.mt_doc_note uses Single tenancy, the statements keep owners in the tenant column (Conjoined).");
    }

    [Fact]
    public async Task Should_not_start_when_row_level_security_does_not_keep_owners_apart()
    {
        (await StartupFailureAsync(options => options.Schema.For<Note>().DisableRowLevelSecurity())).ShouldBe(
            "Marten's mapping of notes is not what the notes' statements are written for: "
            + "public.mt_doc_note has no row-level security policy forced on it that compares tenant_id with notes.owner.");
    }

    [Fact]
    public async Task Should_not_start_when_the_policy_reads_another_setting()
    {
        (await StartupFailureAsync(options => options.Schema.For<Note>().UseRowLevelSecurity("app.tenant_id"))).ShouldBe(
            "Marten's mapping of notes is not what the notes' statements are written for: "
            + "public.mt_doc_note has no row-level security policy forced on it that compares tenant_id with notes.owner.");
    }

    [Fact]
    public async Task Should_not_start_when_the_table_has_a_column_the_statements_do_not_write()
    {
        (await StartupFailureAsync(options => options.Schema.For<Note>().Metadata(metadata => metadata.CreatedAt.Enabled = true))).ShouldBe(
            "Marten's mapping of notes is not what the notes' statements are written for: "
            + "public.mt_doc_note has columns the statements do not write: mt_created_at.");
    }

    [Fact]
    public async Task Should_pass_the_mapping_the_statements_are_written_for_and_go_on_to_the_database()
    {
        (await StartupFailureAsync(_ => { })).ShouldContain("@127.0.0.1:1/notes?sslmode=prefer did not answer within 1 s");
    }

    /// <summary>
    /// What stops the API's start-up (the database start-up of its composition, with Marten's mapping of notes
    /// changed by <paramref name="remap"/>), where no database answers: a mapping the check lets through gets as far
    /// as waiting for it.
    /// </summary>
    private static async Task<string> StartupFailureAsync(Action<StoreOptions> remap)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Notes"] = "Host=127.0.0.1;Port=1;Database=notes;Username=notes;Password=notes",
            ["Database:StartupTimeoutSeconds"] = "1",
        }).Build();
        var composition = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton(TimeProvider.System)
            .AddLogging()
            .AddNotesDatabase();
        composition.ConfigureMarten(remap);
        await using var services = composition.BuildServiceProvider();
        var startup = ActivatorUtilities.CreateInstance<DatabaseStartup>(services);
        return (await Should.ThrowAsync<StartupException>(startup.StartAsync(CancellationToken.None))).Message;
    }
}
