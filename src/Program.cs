using Carter;
using Notes.Infrastructure.Database;
using Notes.Infrastructure.Errors;
using Notes.Infrastructure.Health;
using Notes.Infrastructure.Hosting;
using Notes.Infrastructure.Http;
using Notes.Infrastructure.Json;
using Notes.Infrastructure.Logging;
using Notes.Infrastructure.Mediation;
using Notes.Infrastructure.OpenApi;

var builder = WebApplication.CreateBuilder(args);

builder.AddNotesLogging();
builder.AddNotesHosting();
builder.Services
    .AddSingleton(TimeProvider.System)
    .AddNotesDatabase()
    .AddNotesMediator()
    .AddNotesJson()
    .AddNotesProblemDetails()
    .AddNotesHttp()
    .AddNotesHealthChecks()
    .AddNotesOpenApi()
    .AddCarter();

var app = builder.Build();

app.UseNotesHttpEdge(); // first, so that every answer carries the security headers
app.UseNotesDrain();
app.UseNotesProblemDetails();
app.UseNotesJsonBodies(); // before routing, which answers 415 to a body it takes for a form
app.UseRouting();
app.UseNotesRequestPolicies(); // CORS, rate limit, request timeouts: after routing, which names the endpoint
app.MapNotesOpenApi();
app.MapNotesHealthChecks();
app.MapCarter();

return await app.RunNotesAsync();

/// <summary>The entry point, public for WebApplicationFactory in the tests.</summary>
public partial class Program;
