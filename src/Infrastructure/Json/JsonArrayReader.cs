using System.Runtime.CompilerServices;
using System.Text.Json;
using FluentValidation.Results;
using Notes.Infrastructure.Errors;

namespace Notes.Infrastructure.Json;

/// <summary>
/// Reads a JSON array from a stream one element at a time: memory holds one element at most (up to a bound), never
/// the array, so a body of any size costs what its largest element does. Read through the stream rather than a
/// PipeReader, for the reason <see cref="Http.WholeRequestBody"/> gives.
/// </summary>
public static class JsonArrayReader
{
    private enum Step
    {
        NeedMore,
        Began,
        Element,
        Ended,
    }

    /// <summary>
    /// The elements of the array <paramref name="body"/> holds, deserialised with <paramref name="options"/>. An element
    /// longer than <paramref name="maxElementBytes"/> is refused (<see cref="RequestTooLargeException"/>, 413) before it
    /// is read whole; a body that is JSON <c>null</c> or empty is a validation failure of <c>body</c> (422).
    /// </summary>
    public static async IAsyncEnumerable<T?> ReadAsync<T>(
        Stream body, JsonSerializerOptions options, int maxElementBytes, string notAnArray, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var buffer = new byte[maxElementBytes];
        var (start, end, index) = (0, 0, 0);
        var final = false;
        var began = false;
        var state = new JsonReaderState(new JsonReaderOptions { MaxDepth = options.MaxDepth });
        while (true)
        {
            if (!began && final && buffer.AsSpan(start, end - start).Trim(" \t\r\n"u8).IsEmpty)
            {
                throw new ValidationException([new ValidationFailure("body", notAnArray)]);
            }

            switch (Next(buffer.AsSpan(start, end - start), final, began, notAnArray, ref state, out var consumed, out var elementStart))
            {
                case Step.Began:
                    began = true;
                    start += consumed;
                    break;
                case Step.Element:
                    var element = Deserialize<T>(buffer.AsSpan(start + elementStart, consumed - elementStart), options, index);
                    start += consumed;
                    yield return element;
                    index++;
                    break;
                case Step.Ended:
                    await EnsureNothingFollowsAsync(body, buffer, start + consumed, end, final, state, cancellationToken);
                    yield break;
                case Step.NeedMore:
                    buffer.AsSpan(start, end - start).CopyTo(buffer);
                    (start, end) = (0, end - start);
                    if (end == buffer.Length)
                    {
                        throw new RequestTooLargeException(
                            $"Each element of the array is at most {maxElementBytes / 1024} KiB of JSON; the one at position {index} is longer.");
                    }

                    var read = await body.ReadAsync(buffer.AsMemory(end), cancellationToken);
                    end += read;
                    final = read == 0;
                    break;
            }
        }
    }

    /// <summary>The next step of the array in <paramref name="data"/>; <paramref name="state"/> moves on only past a whole token or element.</summary>
    private static Step Next(
        ReadOnlySpan<byte> data, bool final, bool began, string notAnArray, ref JsonReaderState state, out int consumed, out int elementStart)
    {
        var reader = new Utf8JsonReader(data, final, state);
        (consumed, elementStart) = (0, 0);
        if (!reader.Read())
        {
            return Step.NeedMore;
        }

        if (!began)
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartArray:
                    break;
                case JsonTokenType.Null:
                    throw new ValidationException([new ValidationFailure("body", notAnArray)]);
                default:
                    throw new JsonException("The body is not a JSON array.", "$", null, null);
            }
        }
        else if (reader.TokenType == JsonTokenType.EndArray)
        {
            consumed = (int)reader.BytesConsumed;
            state = reader.CurrentState;
            return Step.Ended;
        }
        else
        {
            elementStart = (int)reader.TokenStartIndex;
            if (!reader.TrySkip())
            {
                return Step.NeedMore;
            }
        }

        consumed = (int)reader.BytesConsumed;
        state = reader.CurrentState;
        return began ? Step.Element : Step.Began;
    }

    private static T? Deserialize<T>(ReadOnlySpan<byte> element, JsonSerializerOptions options, int index)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(element, options);
        }
        catch (JsonException exception)
        {
            // the element's own path and position mean nothing to the client: where it is in the array does
            throw new JsonException(exception.Message, $"$[{index}]{exception.Path?[1..]}", null, null, exception);
        }
    }

    /// <summary>Reads the rest of the body, which may hold white space only.</summary>
    private static async Task EnsureNothingFollowsAsync(
        Stream body, byte[] buffer, int start, int end, bool final, JsonReaderState state, CancellationToken cancellationToken)
    {
        while (true)
        {
            RefuseAnyToken(buffer.AsSpan(start, end - start), final, state);
            if (final)
            {
                return;
            }

            (start, end) = (0, await body.ReadAsync(buffer, cancellationToken));
            final = end == 0;
        }
    }

    private static void RefuseAnyToken(ReadOnlySpan<byte> data, bool final, JsonReaderState state)
    {
        var reader = new Utf8JsonReader(data, final, state);
        reader.Read(); // throws JsonException at anything but white space after the array
    }
}
