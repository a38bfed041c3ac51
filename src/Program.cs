using Notes.Features.Notes;
using Notes.Infrastructure.Auth;
using Notes.Infrastructure.Database;
using Notes.Infrastructure.Errors;
using Notes.Infrastructure.Health;
using Notes.Infrastructure.Hosting;
using Notes.Infrastructure.Http;
using Notes.Infrastructure.Idempotency;
using Notes.Infrastructure.Json;
using Notes.Infrastructure.Logging;
using Notes.Infrastructure.Mediation;
using Notes.Infrastructure.OpenApi;
using Notes.Infrastructure.Streaming;
using Notes.Infrastructure.Telemetry;

var builder = WebApplication.CreateBuilder(args);

builder.AddNotesLogging();
builder.AddNotesTelemetry();
builder.AddNotesHosting();
builder.AddNotesAuth();
builder.Services
    .AddSingleton(TimeProvider.System)
    .AddSingleton<ImportSlots>()
    .AddSingleton<ChangeStreamSlots>()
    .AddNotesDatabase()
    .AddNotesMediator()
    .AddNotesJson()
    .AddNotesProblemDetails()
    .AddNotesHttp()
    .AddNotesIdempotency()
    .AddNotesHealthChecks()
    .AddSingleton<StreamSlots>()
    .AddNotesOpenApi()
    .AddCarter(configurator: carter => carter.WithEmptyValidators()); // AddNotesMediator registers them

var app = builder.Build();

app.UseNotesPipeline();
app.MapNotesOpenApi();
app.MapNotesHealthChecks();
app.MapNotesMetrics();
app.MapNotes();

return await app.RunNotesAsync();

/// <summary>The entry point, public for WebApplicationFactory in the tests.</summary>
public partial class Program;
