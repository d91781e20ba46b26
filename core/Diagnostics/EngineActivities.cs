using System.Diagnostics;

namespace ImageSearch.Core.Diagnostics;

/// <summary>
/// The engine's trace spans (decode, inference), under the source <see cref="Name"/> that hosts listen to; the API
/// adds its own spans (fetch, embed, search) to the same source, so that one trace follows a search through.
/// Starting a span costs nothing when nobody listens.
/// </summary>
public static class EngineActivities
{
    public const string Name = "ImageSearch";

    public static readonly ActivitySource Source = new(Name);
}
