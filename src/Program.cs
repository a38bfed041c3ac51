using Carter;
using Notes.Infrastructure.Database;
using Notes.Infrastructure.Errors;
using Notes.Infrastructure.Health;
using Notes.Infrastructure.Http;
using Notes.Infrastructure.Json;
using Notes.Infrastructure.Logging;
using Notes.Infrastructure.Mediation;
using Notes.Infrastructure.OpenApi;
using Notes.Infrastructure.Streaming;
using Notes.Infrastructure.Telemetry;

var builder = WebApplication.CreateBuilder(args);

builder.AddNotesLogging();
builder.AddNotesTelemetry();
builder.Services
    .AddSingleton(TimeProvider.System)
    .AddNotesDatabase()
    .AddNotesMediator(builder.Configuration)
    .AddNotesJson()
    .AddNotesProblemDetails()
    .AddNotesHealthChecks()
    .AddNotesStreaming()
    .AddNotesOpenApi()
    .AddCarter();

var app = builder.Build();

app.UseNotesRequestLog(); // outermost: it logs the status the client gets
app.UseNotesProblemDetails();
app.UseHeadAsGet();
app.UseEmptyQueryValuesAsMissing();
app.UseNotesJsonBodies(); // before routing, which answers 415 to a body it takes for a form
app.UseRouting();
app.UseNotesBodyLimits();
app.MapNotesOpenApi();
app.MapNotesHealthChecks();
app.MapNotesMetrics();
app.MapCarter();

await app.RunAsync();

/// <summary>The entry point, public for WebApplicationFactory in the tests.</summary>
public partial class Program;
