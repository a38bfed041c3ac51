using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Notes.Infrastructure.Json;

/// <summary>
/// A <c>Content-Type</c> as RFC 9110 (section 8.3.1) writes it: <c>type "/" subtype</c>, then parameters
/// <c>name=value</c> after semicolons, each value a token or a quoted string. Type, subtype and parameter names are
/// case-insensitive (kept here in lower case); a quoted value is kept without its quotes and escapes.
/// </summary>
internal sealed record MediaType(string Type, string Subtype, IReadOnlyList<(string Name, string Value)> Parameters)
{
    /// <summary><c>type/subtype</c> without the parameters.</summary>
    public string Essence => $"{Type}/{Subtype}";

    /// <summary><c>application/json</c> or a JSON-based type (<c>application/merge-patch+json</c>).</summary>
    public bool IsJson => Type == "application" && (Subtype == "json" || Subtype.EndsWith("+json", StringComparison.Ordinal));

    /// <summary>Every <c>charset</c> the type declares: none, one, or (oddly) several.</summary>
    public IEnumerable<string> Charsets => Parameters.Where(parameter => parameter.Name == "charset").Select(parameter => parameter.Value);

    public static bool TryParse(string value, [NotNullWhen(true)] out MediaType? mediaType)
    {
        mediaType = null;
        var at = 0;
        SkipWhitespace(value, ref at);
        if (Token(value, ref at) is not { } type || !Expect(value, ref at, '/') || Token(value, ref at) is not { } subtype)
        {
            return false;
        }

        var parameters = new List<(string, string)>();
        while (true)
        {
            SkipWhitespace(value, ref at);
            if (at == value.Length)
            {
                break;
            }

            if (!Expect(value, ref at, ';'))
            {
                return false;
            }

            SkipWhitespace(value, ref at);
            if (at == value.Length || value[at] == ';')
            {
                continue; // an empty parameter (a stray or trailing semicolon) is allowed
            }

            // no whitespace around '=', and a value is never empty: "charset=" is not a parameter
            if (Token(value, ref at) is not { } name || !Expect(value, ref at, '=')
                || (at < value.Length && value[at] == '"' ? QuotedString(value, ref at) : Token(value, ref at)) is not { } parameterValue)
            {
                return false;
            }

            parameters.Add((name.ToLowerInvariant(), parameterValue));
        }

        mediaType = new MediaType(type.ToLowerInvariant(), subtype.ToLowerInvariant(), parameters);
        return true;
    }

    private static string? Token(string value, ref int at)
    {
        var start = at;
        while (at < value.Length && IsTokenChar(value[at]))
        {
            at++;
        }

        return at > start ? value[start..at] : null;
    }

    /// <summary>A quoted string's content, its quoted pairs (<c>\"</c>, <c>\\</c>) unescaped; null when it is not closed or holds a control character.</summary>
    private static string? QuotedString(string value, ref int at)
    {
        var content = new StringBuilder();
        for (at++; at < value.Length; at++)
        {
            var c = value[at];
            if (c == '"')
            {
                at++;
                return content.ToString();
            }

            if (c == '\\')
            {
                if (++at == value.Length || !IsQuotedText(value[at]) && value[at] != '"' && value[at] != '\\')
                {
                    return null;
                }

                content.Append(value[at]);
            }
            else if (IsQuotedText(c))
            {
                content.Append(c);
            }
            else
            {
                return null;
            }
        }

        return null;
    }

    private static bool Expect(string value, ref int at, char expected)
    {
        if (at < value.Length && value[at] == expected)
        {
            at++;
            return true;
        }

        return false;
    }

    private static void SkipWhitespace(string value, ref int at)
    {
        while (at < value.Length && value[at] is ' ' or '\t')
        {
            at++;
        }
    }

    private static bool IsTokenChar(char c) => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal);

    /// <summary>qdtext: tab, space and visible characters but the quote and the backslash, and obs-text (0x80-0xFF).</summary>
    private static bool IsQuotedText(char c) => c is '\t' or ' ' or '!' or (>= '#' and <= '[') or (>= ']' and <= '~') or (>= '\u0080' and <= '\u00ff');
}
