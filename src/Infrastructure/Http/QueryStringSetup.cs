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
        app.Use((context, next) =>
        {
            if (context.Request.QueryString.HasValue && HasEmptyValue(context.Request.Query))
            {
                var query = context.Request.Query;
                context.Features.Set<IQueryFeature>(new QueryFeature(new QueryCollection(
                    query.Where(parameter => !IsEmpty(parameter.Value)).ToDictionary(parameter => parameter.Key, parameter => parameter.Value))));
            }

            return next(context);
        });
        return app;
    }

    private static bool HasEmptyValue(IQueryCollection query)
    {
        foreach (var parameter in query)
        {
            if (IsEmpty(parameter.Value))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsEmpty(Microsoft.Extensions.Primitives.StringValues values)
    {
        foreach (var value in values)
        {
            if (!string.IsNullOrEmpty(value))
            {
                return false;
            }
        }

        return true;
    }
}
