using Carter;
using FluentValidation;
using JasperFx;
using Marten;
using MediatR;
using Notes.Floor;
using Weasel.Core;

// What the design fixes, wired the way the API wires it, with one use case: Carter -> MediatR (validated by
// FluentValidation) -> a handler that loads the note with Marten, over the API's table. Its start-up is the least
// any API of this design can take.
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddMarten(provider =>
{
    var options = new StoreOptions();
    options.Connection(builder.Configuration.GetConnectionString("Notes")
        ?? "Host=localhost;Port=5432;Database=notes;Username=notes;Password=notes");
    options.DatabaseSchemaName = builder.Configuration["Database:Schema"] ?? "public";
    options.UseSystemTextJsonForSerialization(EnumStorage.AsString, Casing.CamelCase);
    options.Schema.For<Note>().MultiTenanted().UseNumericRevisions(true).SoftDeleted();
    options.AutoCreateSchemaObjects = AutoCreate.None;
    return options;
});
builder.Services.AddTransient<ServiceFactory>(provider => provider.GetService);
builder.Services.AddTransient<IMediator, Mediator>();
builder.Services.AddTransient<IRequestHandler<GetNote.Query, Note?>, GetNote.Handler>();
builder.Services.AddSingleton(typeof(IPipelineBehavior<,>), typeof(ValidationBehavior<,>));
builder.Services.AddValidatorsFromAssemblyContaining<Note>(ServiceLifetime.Singleton, includeInternalTypes: true);
builder.Services.AddCarter(configurator: carter => carter.WithEmptyValidators());

var app = builder.Build();
app.MapCarter();
app.MapGet("/health/live", () => "Healthy");
await app.RunAsync();
