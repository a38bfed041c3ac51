using System.Globalization;

namespace Notes.Tests.Infrastructure;

/// <summary>The samples of a scrape in the Prometheus text format: <c>name{label="value",...} number</c>.</summary>
internal sealed class PrometheusText
{
    private readonly List<(string Name, Dictionary<string, string> Labels, double Value)> _samples = [];

    public PrometheusText(string text)
    {
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!line.StartsWith('#'))
            {
                _samples.Add(ParseSample(line));
            }
        }
    }

    public IEnumerable<string> Names => _samples.Select(sample => sample.Name).Distinct();

    /// <summary>The sum of the samples of a metric whose labels include all the given ones (0 when none).</summary>
    public double Sum(string name, params (string Label, string Value)[] labels) =>
        _samples
            .Where(sample => sample.Name == name && labels.All(label => sample.Labels.GetValueOrDefault(label.Label) == label.Value))
            .Sum(sample => sample.Value);

    /// <summary>The values a label takes in the samples of a metric.</summary>
    public IEnumerable<string> LabelValues(string name, string label) =>
        _samples
            .Where(sample => sample.Name == name && sample.Labels.ContainsKey(label))
            .Select(sample => sample.Labels[label])
            .Distinct();

    private static (string, Dictionary<string, string>, double) ParseSample(string line)
    {
        var labels = new Dictionary<string, string>();
        var brace = line.IndexOf('{', StringComparison.Ordinal);
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        if (brace < 0 || brace > space)
        {
            return (line[..space], labels, ParseValue(line[(space + 1)..]));
        }

        var i = brace + 1;
        while (line[i] != '}')
        {
            var equals = line.IndexOf('=', i);
            var name = line[i..equals].Trim(',', ' ');
            var value = new System.Text.StringBuilder();
            for (i = equals + 2; line[i] != '"'; i++)
            {
                value.Append(line[i] == '\\' ? Unescape(line[++i]) : line[i]);
            }

            labels[name] = value.ToString();
            i++;
            if (line[i] == ',')
            {
                i++;
            }
        }

        return (line[..brace], labels, ParseValue(line[(i + 1)..].Trim().Split(' ')[0]));
    }

    private static char Unescape(char escaped) => escaped == 'n' ? '\n' : escaped;

    private static double ParseValue(string text) => text.Trim().Split(' ')[0] switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        var number => double.Parse(number, CultureInfo.InvariantCulture),
    };
}
