using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Notes.Tests.Http;
using Notes.Tests.Infrastructure;

namespace Notes.Tests.Scripts;

/// <summary>
/// Signing in with no identity provider: the API configured with scripts/dev-auth.sh's environment (what make run
/// AUTH=on evaluates) takes the tokens of make token (scripts/dev-token.py), and no token of another key or issuer.
/// The scripts and the Makefile run from a copy, so the key they make is the test's own, not the developer's.
/// </summary>
public sealed partial class DevAuthTests(DevAuthTests.DevKeyApi api) : IClassFixture<DevAuthTests.DevKeyApi>
{
    private static readonly string[] CopiedFiles = ["Makefile", "scripts/dev-auth.sh", "scripts/dev-token.py", "scripts/ensure-packages.sh"];

    public sealed class DevKeyApi : NotesApi
    {
        private readonly DirectoryInfo _clone = Directory.CreateTempSubdirectory("notes-devauth-tests-");
        private Dictionary<string, string> _environment = [];

        public string Clone => _clone.FullName;

        /// <summary>What scripts/dev-auth.sh printed, as NAME=VALUE.</summary>
        public IReadOnlyDictionary<string, string> Environment => _environment;

        public override async Task InitializeAsync()
        {
            foreach (var file in CopiedFiles)
            {
                var copy = Path.Combine(Clone, file);
                Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
                File.Copy(Path.Combine(PrivateCluster.RepositoryRoot(), file), copy);
            }

            var (exitCode, output, errors) = await RunAsync("scripts/dev-auth.sh", []);
            exitCode.ShouldBe(0, errors);
            _environment = output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => line.StartsWith("export ", StringComparison.Ordinal) ? line["export ".Length..] : throw new InvalidOperationException($"not an export line: {line}"))
                .Select(line => line.Split('=', 2))
                .ToDictionary(pair => pair[0], pair => pair[1]);
            await base.InitializeAsync();
        }

        /// <summary>Program reads whether a bearer scheme is configured while it composes the app.</summary>
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            foreach (var (name, value) in Environment)
            {
                builder.UseSetting(name.Replace("__", ":", StringComparison.Ordinal), value);
            }
        }

        public override async ValueTask DisposeAsync()
        {
            await base.DisposeAsync();
            _clone.Delete(recursive: true);
            GC.SuppressFinalize(this);
        }

        public HttpClient ClientWith(string token)
        {
            var client = CreateClient();
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return client;
        }

        /// <summary>Runs a program in the copy, with no signing key in its environment unless one is given.</summary>
        public async Task<(int ExitCode, string Output, string Errors)> RunAsync(
            string program, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null)
        {
            var start = new ProcessStartInfo(program, arguments)
            {
                WorkingDirectory = Clone,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            if (program.StartsWith("scripts/", StringComparison.Ordinal))
            {
                start.FileName = Path.Combine(Clone, program);
            }

            start.Environment["NOTES_SIGNING_KEY"] = null;
            start.Environment["MAKEFLAGS"] = null;
            start.Environment["MAKELEVEL"] = null;
            start.Environment["MFLAGS"] = null;
            foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
            {
                start.Environment[name] = value;
            }

            using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not run {program}.");
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            await process.WaitForExitAsync(timeout.Token);
            return (process.ExitCode, await output, await errors);
        }
    }

    [Fact]
    public async Task Should_serve_the_caller_with_a_token_of_make_token()
    {
        var token = await MakeTokenAsync("USER=alice");
        using var client = api.ClientWith(token);

        var note = await (await client.PostAsJsonAsync("/notes", new { text = "signed in with the dev key" })).ShouldBeNoteAsync();

        (await (await client.GetAsync($"/notes/{note.Id()}")).ShouldBeNoteAsync()).Text().ShouldBe("signed in with the dev key");
    }

    [Fact]
    public async Task Should_give_the_user_both_scopes_for_an_hour_from_the_dev_issuer_to_the_api()
    {
        var claims = Claims(await MakeTokenAsync("USER=alice"));

        claims["sub"]!.GetValue<string>().ShouldBe("alice");
        claims["iss"]!.GetValue<string>().ShouldBe("notes-dev");
        claims["aud"]!.GetValue<string>().ShouldBe("notes-api");
        claims["scope"]!.GetValue<string>().ShouldBe("notes:read notes:write");
        var issuedAt = claims["iat"]!.GetValue<long>();
        issuedAt.ShouldBeInRange(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        claims["nbf"]!.GetValue<long>().ShouldBe(issuedAt);
        (claims["exp"]!.GetValue<long>() - issuedAt).ShouldBe(3600);
    }

    [Fact]
    public async Task Should_make_a_token_for_as_long_as_expires_says()
    {
        var claims = Claims(await MakeTokenAsync("USER=bob", "EXPIRES=10m"));

        (claims["exp"]!.GetValue<long>() - claims["iat"]!.GetValue<long>()).ShouldBe(600);
    }

    [Fact]
    public async Task Should_configure_the_standard_bearer_section_with_the_key_made_once_for_its_owner_only()
    {
        var keyFile = Path.Combine(api.Clone, ".artifacts", "dev-auth", "signing-key");
        var (exitCode, key, errors) = await api.RunAsync("scripts/dev-auth.sh", ["key"]);

        exitCode.ShouldBe(0, errors);
        api.Environment.ShouldBe(new Dictionary<string, string>
        {
            ["Authentication__Schemes__Bearer__ValidIssuer"] = "notes-dev",
            ["Authentication__Schemes__Bearer__ValidAudiences__0"] = "notes-api",
            ["Authentication__Schemes__Bearer__SigningKeys__0__Issuer"] = "notes-dev",
            ["Authentication__Schemes__Bearer__SigningKeys__0__Value"] = key.Trim(),
        });
        (await File.ReadAllTextAsync(keyFile)).Trim().ShouldBe(key.Trim());
        Convert.FromBase64String(key.Trim()).Length.ShouldBe(32);
        if (!OperatingSystem.IsWindows())
        {
            File.GetUnixFileMode(keyFile).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    [Fact]
    public async Task Should_answer_401_to_a_token_signed_with_another_key()
    {
        var otherKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var (exitCode, token, errors) = await api.RunAsync("/usr/bin/python3", ["scripts/dev-token.py", "alice"],
            new Dictionary<string, string?> { ["NOTES_SIGNING_KEY"] = otherKey });
        exitCode.ShouldBe(0, errors);

        await ShouldRefuseAsync(token.Trim());
    }

    [Theory]
    [InlineData("someone-else", "notes-api")]
    [InlineData("notes-dev", "another-api")]
    public async Task Should_answer_401_to_a_token_of_the_dev_key_from_another_issuer_or_for_another_audience(string issuer, string audience)
    {
        var key = new SymmetricSecurityKey(Convert.FromBase64String(api.Environment["Authentication__Schemes__Bearer__SigningKeys__0__Value"]));
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Subject = new ClaimsIdentity([new Claim("sub", "alice"), new Claim("scope", "notes:read notes:write")]),
            Expires = DateTime.UtcNow.AddHours(1),
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
        });

        await ShouldRefuseAsync(token);
    }

    [Fact]
    public async Task Should_fail_make_token_without_a_user_whatever_the_login_name()
    {
        var (exitCode, output, errors) = await api.RunAsync("make", ["token"], new Dictionary<string, string?> { ["USER"] = "alice" });

        exitCode.ShouldNotBe(0);
        output.ShouldBeEmpty();
        errors.ShouldContain("make token: name the token's user: make token USER=alice");
    }

    private async Task ShouldRefuseAsync(string token)
    {
        using var client = api.ClientWith(token);

        var response = await api.ChangesNothingAsync(() => client.PostAsJsonAsync("/notes", new { text = "forged" }));

        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        response.Headers.WwwAuthenticate.ToString().ShouldBe("Bearer error=\"invalid_token\"");
    }

    /// <summary>make -s token ARGUMENTS in the copy: its output must be the token alone.</summary>
    private async Task<string> MakeTokenAsync(params string[] arguments)
    {
        var (exitCode, output, errors) = await api.RunAsync("make", ["-s", "token", .. arguments]);

        exitCode.ShouldBe(0, errors);
        JwtLine().IsMatch(output).ShouldBeTrue($"not a token alone: {output}");
        return output.TrimEnd('\n');
    }

    private static JsonObject Claims(string token) =>
        JsonNode.Parse(Base64UrlEncoder.Decode(token.Split('.')[1]))!.AsObject();

    [GeneratedRegex(@"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\n$")]
    private static partial Regex JwtLine();
}
