namespace Notes.Infrastructure.Streaming;

/// <summary>
/// Set on a request whose streamed answer was cut after its status had gone out (the connection aborted), so the
/// request log says so instead of the status the client never fully got.
/// </summary>
public sealed record ResponseCut(string Reason);
