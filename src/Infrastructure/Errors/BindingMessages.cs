using System.Text.RegularExpressions;

namespace Notes.Infrastructure.Errors;

/// <summary>
/// ASP.NET Core words a query or route value it cannot bind in C# terms (<c>Failed to bind parameter "int skip" from
/// "abc".</c>); this says the same in the API's words (<c>'skip' must be a whole number, not 'abc'.</c>).
/// </summary>
internal static partial class BindingMessages
{
    public static string Explain(string message)
    {
        if (FailedToBind().Match(message) is { Success: true } failed)
        {
            return $"'{failed.Groups["name"].Value}' must be {Describe(failed.Groups["type"].Value)}, not '{failed.Groups["value"].Value}'.";
        }

        if (NotProvided().Match(message) is { Success: true } missing)
        {
            return $"'{missing.Groups["name"].Value}' is required.";
        }

        return message;
    }

    private static string Describe(string type) => type.Replace("System.", "", StringComparison.Ordinal)
            .Replace("Nullable<", "", StringComparison.Ordinal).TrimEnd('?', '>') switch
    {
        "int" or "Int32" => "a whole number from -2147483648 to 2147483647",
        "long" or "Int64" => "a whole number",
        "bool" or "Boolean" => "true or false",
        _ => "a valid value",
    };

    [GeneratedRegex("""^Failed to bind parameter "(?<type>\S+) (?<name>[^" ]+)" from "(?<value>.*)"\.$""", RegexOptions.Singleline)]
    private static partial Regex FailedToBind();

    [GeneratedRegex("""^Required parameter "(?<type>\S+) (?<name>[^" ]+)" was not provided""")]
    private static partial Regex NotProvided();
}
