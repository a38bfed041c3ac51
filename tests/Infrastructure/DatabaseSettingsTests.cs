using Microsoft.Extensions.Configuration;
using Notes.Infrastructure.Database;
using Npgsql;

namespace Notes.Tests.Infrastructure;

public sealed class DatabaseSettingsTests
{
    [Fact]
    public void Should_default_to_the_notes_database_on_localhost()
    {
        var settings = DatabaseSettings.Resolve(Configuration());

        DatabaseSettings.Describe(settings).ShouldBe("postgresql://notes:****@localhost:5432/notes?sslmode=prefer");
        settings.Password.ShouldBe("notes");
    }

    [Fact]
    public void Should_let_each_seed_variable_that_is_set_replace_its_part_of_the_connection_string()
    {
        var settings = DatabaseSettings.Resolve(Configuration(new()
        {
            ["ConnectionStrings:Notes"] = "Host=db.internal;Port=5432;Database=notes;Username=notes;Password=notes",
            ["db_host"] = "pg.example",
            ["db_port"] = "6543",
            ["db_name"] = "vincent",
            ["db_user"] = "vincent",
            ["db_pass"] = "s3cret",
            ["ssl_mode"] = "verify-full",
        }));

        settings.Host.ShouldBe("pg.example");
        settings.Port.ShouldBe(6543);
        settings.Database.ShouldBe("vincent");
        settings.Username.ShouldBe("vincent");
        settings.Password.ShouldBe("s3cret");
        settings.SslMode.ShouldBe(SslMode.VerifyFull);
    }

    [Fact]
    public void Should_keep_the_connection_string_where_the_seed_variables_are_unset_or_empty()
    {
        var settings = DatabaseSettings.Resolve(Configuration(new()
        {
            ["ConnectionStrings:Notes"] = "Host=db.internal;Port=5433;Database=prod;Username=app;Password=pw",
            ["db_host"] = "",
        }));

        settings.Host.ShouldBe("db.internal");
        settings.Port.ShouldBe(5433);
        settings.Database.ShouldBe("prod");
    }

    [Fact]
    public void Should_never_show_the_password_in_the_description()
    {
        var settings = DatabaseSettings.Resolve(Configuration(new() { ["db_pass"] = "hunter2", ["db_user"] = "vincent" }));

        var description = DatabaseSettings.Describe(settings);

        description.ShouldNotContain("hunter2");
        description.ShouldBe("postgresql://vincent:****@localhost:5432/notes?sslmode=prefer");
    }

    [Fact]
    public void Should_name_every_host_and_the_server_type_of_a_multi_host_connection_string()
    {
        var settings = DatabaseSettings.Resolve(Configuration(new()
        {
            ["ConnectionStrings:Notes"] = "Host=10.0.0.1:5441,10.0.0.2;Port=5442;Database=notes;Username=notes;Password=s3cret;Target Session Attributes=primary",
        }));

        DatabaseSettings.Describe(settings).ShouldBe("postgresql://notes:****@10.0.0.1:5441,10.0.0.2:5442/notes?sslmode=prefer&target_session_attrs=primary");
        DatabaseSettings.TargetSession(settings).ShouldBe(TargetSessionAttributes.Primary);
    }

    [Fact]
    public void Should_have_no_queries_database_of_its_own_unless_one_is_configured()
    {
        DatabaseSettings.ResolveQueries(Configuration(new() { ["db_host"] = "pg.example" })).ShouldBeNull();

        var queries = DatabaseSettings.ResolveQueries(Configuration(new()
        {
            ["ConnectionStrings:NotesQueries"] = "Host=standby:5442,primary:5441;Database=notes;Username=notes;Password=notes;Target Session Attributes=prefer-standby",
            ["db_host"] = "pg.example",
        })).ShouldNotBeNull();

        queries.Host.ShouldBe("standby:5442,primary:5441");
        DatabaseSettings.TargetSession(queries).ShouldBe(TargetSessionAttributes.PreferStandby);
    }

    [Theory]
    [InlineData("db_port", "not-a-port")]
    [InlineData("db_port", "70000")]
    [InlineData("ssl_mode", "sometimes")]
    public void Should_refuse_a_seed_variable_that_makes_no_sense(string key, string value)
    {
        var failure = Should.Throw<InvalidOperationException>(() => DatabaseSettings.Resolve(Configuration(new() { [key] = value })));

        failure.Message.ShouldContain(value);
    }

    private static IConfiguration Configuration(Dictionary<string, string?>? values = null) =>
        new ConfigurationBuilder().AddInMemoryCollection(values ?? []).Build();
}
