using Notes.Infrastructure.Auth;

namespace Notes.Infrastructure.Notifications;

/// <summary>A command that may change the caller's notes: once it has run, the caller's followers are woken.</summary>
public interface IChangesNotes;

/// <summary>
/// After a command that may have changed the caller's notes (<see cref="IChangesNotes"/>), wakes the followers of the
/// caller's changes on every instance. A command that changed nothing wakes them for nothing, which costs a look.
/// </summary>
internal sealed class ChangeNotificationBehavior<TRequest, TResponse>(Caller caller, DatabaseNotifications notifications)
    : IPipelineBehavior<TRequest, TResponse>
{
    public async Task<TResponse> Handle(TRequest request, CancellationToken cancellationToken, RequestHandlerDelegate<TResponse> next)
    {
        var response = await next();
        if (request is IChangesNotes)
        {
            notifications.Notify(caller.Owner);
        }

        return response;
    }
}
