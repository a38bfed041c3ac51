using Notes.Baseline;
using Npgsql;

// The thinnest honest ASP.NET Core + Npgsql service over the API's table (mt_doc_note), answering the endpoints the
// benchmark measures with the API's contract: no Carter, MediatR, FluentValidation or Marten, no middleware.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = NoteBodies.MaxBytes);

var connectionString = builder.Configuration.GetConnectionString("Notes")
    ?? "Host=localhost;Port=5432;Database=notes;Username=notes;Password=notes";
var dataSourceBuilder = new NpgsqlDataSourceBuilder(connectionString);
dataSourceBuilder.ConnectionStringBuilder.ApplicationName ??= "notes-baseline";
await using var dataSource = dataSourceBuilder.Build();

var app = builder.Build();

// As the API, notes go out as PostgreSQL renders the stored documents.
using var notes = new NoteEndpoints(dataSource, new HiLoIds(dataSource), new StoredJson(), new StoredJson());

app.MapGet("/notes/{id:int}", notes.GetOne);
app.MapGet("/notes", notes.List);
app.MapGet("/notes/all", notes.All);
app.MapPost("/notes", notes.Create);
app.MapPut("/notes/{id:int}", notes.Replace);
app.MapPatch("/notes/{id:int}", notes.Patch);
app.MapGet("/health/live", () => "Healthy");
app.MapGet("/health/ready", notes.Ready);

await app.RunAsync();
