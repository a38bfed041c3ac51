using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Notes.Tests.Http;

/// <summary>What the contract tests send and check, in the words of the contract.</summary>
internal static class HttpJson
{
    /// <summary>What <c>curl --data '...'</c> sends: the body with a form content type.</summary>
    public static StringContent AsCurlData(string body) => new(body, Encoding.UTF8, "application/x-www-form-urlencoded");

    public static StringContent AsJson(string body) => new(body, Encoding.UTF8, "application/json");

    public static async Task<JsonObject> ShouldBeNoteAsync(this HttpResponseMessage response, HttpStatusCode status = HttpStatusCode.OK)
    {
        response.StatusCode.ShouldBe(status, await response.Content.ReadAsStringAsync());
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/json");
        var note = (await response.Content.ReadFromJsonAsync<JsonObject>()).ShouldNotBeNull();
        note.Select(property => property.Key).ShouldBe(["id", "text", "completed", "createdAt", "updatedAt"], ignoreOrder: true);
        return note;
    }

    public static async Task<JsonArray> ShouldBeNoteArrayAsync(this HttpResponseMessage response)
    {
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/json");
        return (await response.Content.ReadFromJsonAsync<JsonArray>()).ShouldNotBeNull();
    }

    /// <summary>Checks an RFC 9457 problem details response: status, title and a human detail, always.</summary>
    public static async Task<JsonObject> ShouldBeProblemAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(status, body);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
        var problem = JsonNode.Parse(body).ShouldBeOfType<JsonObject>();
        problem["status"]!.GetValue<int>().ShouldBe((int)status);
        problem["title"]!.GetValue<string>().ShouldNotBeNullOrWhiteSpace();
        problem["detail"]!.GetValue<string>().ShouldNotBeNullOrWhiteSpace();
        body.ShouldNotContain("   at "); // no stack trace
        return problem;
    }

    public static int Id(this JsonObject note) => note["id"]!.GetValue<int>();

    public static string Text(this JsonObject note) => note["text"]!.GetValue<string>();

    public static bool Completed(this JsonObject note) => note["completed"]!.GetValue<bool>();

    public static string[] Errors(this JsonObject problem, string field) =>
        problem["errors"]![field]!.AsArray().Select(message => message!.GetValue<string>()).ToArray();

    public static JsonSerializerOptions Web { get; } = new(JsonSerializerDefaults.Web);
}
