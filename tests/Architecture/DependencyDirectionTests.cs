using System.Text.RegularExpressions;

namespace ImageSearch.Tests.Architecture;

/// <summary>
/// The doors between the rooms open one way (docs/architecture.md): shared basics depend on nothing else in core, the
/// query rooms follow the query's own order (imaging → inference → embedding → index → search) and never reach into
/// build-time code, build-time code may use anything below it, and nothing that ships refers to the lab. Read from
/// each source file's namespace, <c>using</c> lines and fully qualified names, so a new reference the wrong way fails
/// here with the file and line that made it.
/// </summary>
public sealed partial class DependencyDirectionTests
{
    /// <summary>Shared basics: any room may use them; they use only each other.</summary>
    private static readonly string[] Basics = ["IO", "LinearAlgebra", "Catalog", "Fetching", "Diagnostics"];

    /// <summary>The query-time rooms in the order a query passes through them; each may use the ones before it.</summary>
    private static readonly string[] QueryOrder = ["Imaging", "Inference", "Embedding", "Index", "Search"];

    /// <summary>The build-time rooms: they may use the basics, every query room and each other (without a cycle).</summary>
    private static readonly string[] BuildRooms = ["Augmentation", "Calibration", "Evaluation", "Indexing", "Learning", "ModelPreparation"];

    /// <summary>Storage over a database, used by the hosts like the query rooms, and using them and the basics.</summary>
    private static readonly string[] Stores = ["Postgres"];

    [Test]
    public void Every_core_namespace_is_a_room_of_the_architecture()
    {
        var unknown = CoreReferences()
            .Select(r => r.From)
            .Where(ns => RoomOf(ns) is null)
            .Distinct()
            .ToList();

        Assert.That(unknown, Is.Empty, "put each new folder of core in a room: the lists at the top of this test and docs/architecture.md");
    }

    [Test]
    public void Basics_use_no_query_or_build_room()
    {
        var wrong = CoreReferences()
            .Where(r => RoomOf(r.From)?.Kind == RoomKind.Basic && RoomOf(r.To)?.Kind is not RoomKind.Basic)
            .Select(r => r.ToString())
            .ToList();

        Assert.That(wrong, Is.Empty);
    }

    [Test]
    public void Query_rooms_use_only_the_basics_and_the_query_rooms_before_them()
    {
        var wrong = CoreReferences()
            .Where(r => RoomOf(r.From) is { Kind: RoomKind.Query } from
                && RoomOf(r.To) is { } to
                && !(to.Kind == RoomKind.Basic || (to.Kind == RoomKind.Query && to.Order <= from.Order)))
            .Select(r => r.ToString())
            .ToList();

        Assert.That(wrong, Is.Empty, "query-time code never reaches into build-time code or back up the query's order");
    }

    [Test]
    public void Stores_use_only_the_basics_and_the_query_rooms()
    {
        var wrong = CoreReferences()
            .Where(r => RoomOf(r.From)?.Kind == RoomKind.Store && RoomOf(r.To)?.Kind is RoomKind.Build)
            .Select(r => r.ToString())
            .ToList();

        Assert.That(wrong, Is.Empty);
    }

    [Test]
    public void Build_rooms_depend_on_each_other_without_a_cycle()
    {
        var edges = CoreReferences()
            .Where(r => RoomOf(r.From)?.Kind == RoomKind.Build && RoomOf(r.To)?.Kind == RoomKind.Build && r.From != r.To)
            .GroupBy(r => r.From)
            .ToDictionary(g => g.Key, g => g.Select(r => r.To).Distinct().ToList());

        var cycle = FindCycle(edges);

        Assert.That(cycle, Is.Null, () => $"a cycle: {string.Join(" → ", cycle!)}");
    }

    [Test]
    public void Core_refers_to_no_host_tool_or_lab()
    {
        var wrong = References("core")
            .Where(r => !r.To.StartsWith("ImageSearch.Core", StringComparison.Ordinal))
            .Select(r => r.ToString())
            .ToList();

        Assert.That(wrong, Is.Empty);
    }

    [TestCase("api")]
    [TestCase("build-index")]
    [TestCase("tools")]
    [TestCase("bench")]
    public void Nothing_that_ships_refers_to_the_lab(string folder)
    {
        var wrong = References(folder).Where(r => r.To.StartsWith("ImageSearch.Lab", StringComparison.Ordinal)).Select(r => r.ToString()).ToList();
        var projects = Directory.EnumerateFiles(Path.Combine(Root, folder), "*.csproj", SearchOption.AllDirectories)
            .Where(p => File.ReadAllText(p).Contains("ImageSearch.Lab.csproj", StringComparison.Ordinal))
            .ToList();

        Assert.That(wrong, Is.Empty);
        Assert.That(projects, Is.Empty);
    }

    [Test]
    public void No_image_contains_the_lab()
    {
        var dockerfiles = Directory.EnumerateFiles(Path.Combine(Root, "deploy"), "Dockerfile*", SearchOption.AllDirectories).ToList();
        var ignored = File.ReadAllLines(Path.Combine(Root, ".dockerignore"));

        Assert.That(dockerfiles, Is.Not.Empty);
        Assert.That(dockerfiles.Where(f => LabPath().IsMatch(File.ReadAllText(f))), Is.Empty, "no Dockerfile copies or publishes lab/");
        Assert.That(ignored, Does.Contain("**"), ".dockerignore lets in only what it names");
        Assert.That(ignored.Where(l => l.StartsWith('!') && l.Contains("lab", StringComparison.Ordinal)), Is.Empty, "lab/ stays out of the build context");
    }

    [Test]
    public void The_api_uses_no_build_time_room()
    {
        var wrong = References("api")
            .Where(r => RoomOf(r.To)?.Kind == RoomKind.Build)
            .Select(r => r.ToString())
            .ToList();

        Assert.That(wrong, Is.Empty, "the service searches; building, learning and evaluating are build-index's");
    }

    [Test]
    public void The_sample_catalog_tool_uses_only_the_basics_and_the_query_rooms()
    {
        var wrong = References("tools")
            .Where(r => r.To.StartsWith("ImageSearch.Core", StringComparison.Ordinal) && RoomOf(r.To)?.Kind is not (RoomKind.Basic or RoomKind.Query))
            .Select(r => r.ToString())
            .ToList();

        Assert.That(wrong, Is.Empty);
    }

    [Test]
    public void The_reader_sees_every_kind_of_reference()
    {
        // The rules above are only as good as what they read: a using line, an alias, a static using and a fully
        // qualified name in code are all references; a comment or a string is not.
        var source = """
            using ImageSearch.Core.Query.Search;
            using Calibration = ImageSearch.Core.Build.Calibration.ScoreCalibrator;
            using static ImageSearch.Core.LinearAlgebra.DenseMath;

            namespace ImageSearch.Core.Query.Index;

            // ImageSearch.Core.Build.Learning.MetricHeadTrainer in a comment
            internal static class Sample
            {
                private const string Text = "ImageSearch.Core.Build.Evaluation";
                public static object Make() => new ImageSearch.Core.Build.Indexing.IndexBuilder();
                public static object Other() => Core.Build.Augmentation.ViewAugmenter.Default;
            }
            """;

        var found = Read("core/Query/Index/Sample.cs", source).Select(r => r.To).ToList();

        Assert.That(found, Is.EquivalentTo(new[]
        {
            "ImageSearch.Core.Query.Search",
            "ImageSearch.Core.Build.Calibration",
            "ImageSearch.Core.LinearAlgebra",
            "ImageSearch.Core.Build.Indexing",
            "ImageSearch.Core.Build.Augmentation",
        }));
    }

    private enum RoomKind
    {
        Basic,
        Query,
        Build,
        Store,
    }

    private sealed record Room(RoomKind Kind, int Order);

    private sealed record Reference(string File, int Line, string From, string To)
    {
        public override string ToString() => $"{File}:{Line}: {From} → {To}";
    }

    private static string Root => ChildProcess.RepositoryRoot();

    /// <summary>The room of a core namespace (its first part below ImageSearch.Core, or two parts for Query and Build); null when none.</summary>
    private static Room? RoomOf(string ns)
    {
        var parts = ns.Split('.');
        if (parts.Length < 3 || parts[0] != "ImageSearch" || parts[1] != "Core")
        {
            return null;
        }

        return parts[2] switch
        {
            "Query" when parts.Length > 3 && Array.IndexOf(QueryOrder, parts[3]) is var order and >= 0 => new Room(RoomKind.Query, order),
            "Build" when parts.Length > 3 && BuildRooms.Contains(parts[3]) => new Room(RoomKind.Build, 0),
            var name when Basics.Contains(name) => new Room(RoomKind.Basic, 0),
            var name when Stores.Contains(name) => new Room(RoomKind.Store, 0),
            _ => null,
        };
    }

    /// <summary>The room-level name of a core namespace (ImageSearch.Core.Query.Search, ImageSearch.Core.IO), for the cycle check.</summary>
    private static string RoomName(string ns)
    {
        var parts = ns.Split('.');
        return string.Join('.', parts.Take(parts.Length > 3 && parts[2] is "Query" or "Build" ? 4 : 3));
    }

    private static IEnumerable<Reference> CoreReferences() =>
        References("core")
            .Where(r => r.To.StartsWith("ImageSearch.Core", StringComparison.Ordinal))
            .Select(r => r with { From = RoomName(r.From), To = RoomName(r.To) })
            .Where(r => r.From != r.To);

    private static IEnumerable<Reference> References(string folder)
    {
        var files = Directory.EnumerateFiles(Path.Combine(Root, folder), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToList();
        Assert.That(files, Is.Not.Empty, $"no sources under {folder}/");
        return files.SelectMany(f => Read(Path.GetRelativePath(Root, f), File.ReadAllText(f)));
    }

    /// <summary>The namespaces a file refers to: its using lines (plain, alias, static) and fully qualified names in code.</summary>
    private static IEnumerable<Reference> Read(string path, string source)
    {
        var lines = source.Split('\n');
        var ns = lines.Select(l => NamespaceLine().Match(l)).FirstOrDefault(m => m.Success)?.Groups[1].Value ?? "";
        for (var i = 0; i < lines.Length; i++)
        {
            var code = NamespaceLine().Replace(Code(lines[i]), "");
            if (UsingLine().Match(code) is { Success: true } u)
            {
                var target = u.Groups["target"].Value;
                yield return new Reference(path, i + 1, ns, u.Groups["alias"].Success || u.Groups["static"].Success ? NamespaceOf(target) : target);
                continue;
            }

            foreach (Match name in QualifiedName().Matches(code))
            {
                var full = name.Value.StartsWith("ImageSearch.", StringComparison.Ordinal) ? name.Value : "ImageSearch." + name.Value;
                yield return new Reference(path, i + 1, ns, NamespaceOf(full));
            }
        }
    }

    /// <summary>A dotted name's namespace: the parts before the first one that starts a type (an upper-case name after a room).</summary>
    private static string NamespaceOf(string name)
    {
        var parts = name.Split('.');
        if (parts.Length > 1 && parts[1] is "Lab" or "Api" or "BuildIndex" or "SampleCatalog")
        {
            return string.Join('.', parts.Take(2));
        }

        var length = parts.Length > 3 && parts[2] is "Query" or "Build" ? 4 : 3;
        return string.Join('.', parts.Take(Math.Min(length, parts.Length)));
    }

    /// <summary>The line without its comment and string literals.</summary>
    private static string Code(string line) => StringLiteral().Replace(line.Split("//")[0], "\"\"");

    private static List<string>? FindCycle(Dictionary<string, List<string>> edges)
    {
        var state = new Dictionary<string, int>();
        var path = new List<string>();

        List<string>? Visit(string node)
        {
            state[node] = 1;
            path.Add(node);
            foreach (var next in edges.GetValueOrDefault(node, []))
            {
                if (state.GetValueOrDefault(next) == 1)
                {
                    return [.. path.SkipWhile(n => n != next), next];
                }

                if (state.GetValueOrDefault(next) == 0 && Visit(next) is { } found)
                {
                    return found;
                }
            }

            path.RemoveAt(path.Count - 1);
            state[node] = 2;
            return null;
        }

        return edges.Keys.Where(n => state.GetValueOrDefault(n) == 0).Select(Visit).FirstOrDefault(c => c is not null);
    }

    [GeneratedRegex(@"(^|[\s/])lab/", RegexOptions.Multiline)]
    private static partial Regex LabPath();

    [GeneratedRegex(@"^\s*namespace\s+([\w.]+)")]
    private static partial Regex NamespaceLine();

    [GeneratedRegex(@"^\s*(global\s+)?using\s+(?<static>static\s+)?((?<alias>\w+)\s*=\s*)?(?<target>ImageSearch\.[\w.]+)\s*;")]
    private static partial Regex UsingLine();

    [GeneratedRegex(@"(?<![\w.])(ImageSearch\.)?(Core|Lab)\.[A-Z]\w*(\.[A-Z]\w*)+")]
    private static partial Regex QualifiedName();

    [GeneratedRegex(@"@?\$?""(?:[^""\\]|\\.)*""")]
    private static partial Regex StringLiteral();
}
