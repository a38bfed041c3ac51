namespace Notes.Infrastructure.Database;

/// <summary>No id is left to give a new document (see <see cref="HiLoIds{TDocument}.MaxId"/>): nothing more can be stored.</summary>
public sealed class IdsExhaustedException(string entity) : Exception($"{entity} ids are exhausted: no new {entity.ToLowerInvariant()} can be stored.");
