using System.Net;

namespace Notes.Tests.Infrastructure;

/// <summary>
/// The API served by Kestrel on 127.0.0.1 (a free port), for what the in-memory test server does not do as Kestrel
/// does: limits on chunked bodies, clients that stop reading or hang up.
/// </summary>
public class NotesApiOverKestrel : NotesApi
{
    public Uri Address => new(ClientOptions.BaseAddress.GetLeftPart(UriPartial.Authority));

    protected override void StartHost()
    {
        UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        StartServer();
    }
}
