namespace ImageSearch.Core.Build.Evaluation;

/// <summary>A labelled query photo: what a good answer shares with it.</summary>
/// <param name="Group">The exact product or variety, when the query set knows it.</param>
public sealed record QueryImage(string Id, string Category, string? Group, string ImagePath, int Line);
