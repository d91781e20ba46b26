using ImageSearch.Core.Postgres;
using Microsoft.Extensions.Options;

namespace ImageSearch.Api.Hosting;

/// <summary>
/// Registers what loads and refreshes the search snapshot for the chosen <see cref="SearchStoreKind"/>: the
/// embedded index's start-up loader (its hot reload is <see cref="IndexReloader"/>), or the PostgreSQL store's
/// connection pool, version watcher and readiness check.
/// </summary>
public static class SearchStoreExtensions
{
    public static IServiceCollection AddSearchStore(this IServiceCollection services, IConfiguration configuration)
    {
        var store = configuration.GetValue($"{ImageSearchOptions.SectionName}:{nameof(ImageSearchOptions.Store)}", SearchStoreKind.Embedded);
        if (store != SearchStoreKind.Postgres)
        {
            services.AddHostedService<SearchStateLoader>();
            return services;
        }

        services.AddSingleton(provider => new PostgresVectorStore(provider.GetRequiredService<IOptions<ImageSearchOptions>>().Value.Postgres));
        services.AddSingleton<PostgresVersionWatcher>();
        services.AddHostedService(provider => provider.GetRequiredService<PostgresVersionWatcher>());
        services.AddSingleton<IStoreHealth, PostgresStoreHealth>();
        return services;
    }
}
