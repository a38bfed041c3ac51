namespace Notes.Infrastructure.Streaming;

public static class StreamingSetup
{
    public static IServiceCollection AddNotesStreaming(this IServiceCollection services) =>
        services.AddSingleton<StreamSlots>();
}
