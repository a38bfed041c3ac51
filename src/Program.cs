using Carter;
using Notes.Features.Notes;
using Notes.Infrastructure.Database;
using Notes.Infrastructure.Errors;
using Notes.Infrastructure.Health;
using Notes.Infrastructure.Hosting;
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
builder.AddNotesHosting();
builder.Services
    .AddSingleton(TimeProvider.System)
    .AddSingleton<Notes.Features.Notes.ImportSlots>()
    .AddNotesDatabase()
    .AddNotesMediator(builder.Configuration)
    .AddNotesJson()
    .AddNotesProblemDetails()
    .AddNotesHttp()
    .AddNotesHealthChecks()
    .AddSingleton<StreamSlots>()
    .AddNotesOpenApi()
    .AddCarter(configurator: carter => carter.WithEmptyValidators()); // AddNotesMediator registers them

var app = builder.Build();

app.UseNotesHttpEdge(); // first: the client's address behind a proxy, and security headers on every answer
app.UseNotesRequestLog(); // it logs the status the client gets
app.UseNotesDrain();
app.UseNotesProblemDetails();
app.UseHeadAsGet();
app.UseEmptyQueryValuesAsMissing();
app.UseNotesJsonBodies(); // before routing, which answers 415 to a body it takes for a form
app.UseRouting();
app.UseNotesBodyLimits();
app.UseNotesRequestPolicies(); // CORS, rate limit, request timeouts: after routing, which names the endpoint
app.UseNotesWholeRequestBodies(); // after the body limits: a body in flight at shutdown is not cut short
app.MapNotesOpenApi();
app.MapNotesHealthChecks();
app.MapNotesMetrics();
app.MapNotes();

return await app.RunNotesAsync();

/// <summary>The entry point, public for WebApplicationFactory in the tests.</summary>
public partial class Program;
