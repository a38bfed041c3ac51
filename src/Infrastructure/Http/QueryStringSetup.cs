using Microsoft.AspNetCore.Http.Features;

namespace Notes.Infrastructure.Http;

/// <summary>
/// A query parameter given with an empty value (<c>?take=&amp;q=</c>, as forms and scripts send them) is read as if
/// it were left out: its default applies.
/// </summary>
public static class QueryStringSetup
{
    public static WebApplication UseEmptyQueryValuesAsMissing(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            var query = context.Request.Query;
            if (query.Any(parameter => parameter.Value.All(string.IsNullOrEmpty)))
            {
                context.Features.Set<IQueryFeature>(new QueryFeature(new QueryCollection(
                    query.Where(parameter => !parameter.Value.All(string.IsNullOrEmpty)).ToDictionary(parameter => parameter.Key, parameter => parameter.Value))));
            }

            await next(context);
        });
        return app;
    }
}
