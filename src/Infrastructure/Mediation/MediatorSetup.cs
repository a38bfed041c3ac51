using Notes.Infrastructure.Notifications;

namespace Notes.Infrastructure.Mediation;

/// <summary>
/// MediatR 5.1.0 has no DI extension package: this registers the mediator, every request handler of this assembly,
/// the validation behaviour, the wake-up of followers after a write, and the validators.
/// </summary>
public static class MediatorSetup
{
    public static IServiceCollection AddNotesMediator(this IServiceCollection services)
    {
        // Transient: each resolves from the request's scope and holds nothing to dispose, so the scope keeps no
        // record of them; only the session a handler takes is scoped, and disposed with the request.
        services.AddTransient<ServiceFactory>(provider => provider.GetService);
        services.AddTransient<IMediator, Mediator>();

        services.Scan(scan => scan
            .FromAssemblyOf<Program>()
            .AddClasses(classes => classes.AssignableTo(typeof(IRequestHandler<,>)), publicOnly: false)
            .AsImplementedInterfaces()
            .WithTransientLifetime());

        services.AddSingleton(typeof(IPipelineBehavior<,>), typeof(ValidationBehavior<,>));
        services.AddTransient(typeof(IPipelineBehavior<,>), typeof(ChangeNotificationBehavior<,>));

        services.AddValidatorsFromAssemblyContaining<Program>(ServiceLifetime.Singleton, includeInternalTypes: true);
        return services;
    }
}
