namespace ImageSearch.Core.Build.Indexing;

/// <summary>How far a build has got; <see cref="Done"/> counts rows written or failed, in catalog order.</summary>
public sealed record IndexBuildProgress(int Done, int Total, int Built, int Reused, int Failed, TimeSpan Elapsed)
{
    public double RowsPerSecond => Elapsed.TotalSeconds > 0 ? Done / Elapsed.TotalSeconds : 0;

    public TimeSpan? Remaining => Done > 0 && Done < Total ? Elapsed * ((Total - Done) / (double)Done) : null;
}
