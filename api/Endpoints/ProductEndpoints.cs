using System.Diagnostics;
using ImageSearch.Api.Contracts;
using ImageSearch.Api.Errors;
using ImageSearch.Api.Hosting;
using ImageSearch.Api.Requests;
using ImageSearch.Core.Query.Search;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace ImageSearch.Api.Endpoints;

/// <summary>The catalog: <c>GET /products</c>, <c>/products/{id}</c> and <c>/products/{id}/similar</c>.</summary>
public static class ProductEndpoints
{
    public static RouteGroupBuilder MapProductEndpoints(this RouteGroupBuilder products)
    {
        products.MapGet("/", List)
            .WithName("ListProducts")
            .WithSummary("List the catalog's products, a page at a time")
            .WithDescription("Products in catalog order; 'category' (repeatable, ignores case) keeps only those categories.")
            .Produces<ProductPage>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest);
        products.MapGet("/{id}", Get)
            .WithName("GetProduct")
            .WithSummary("One product")
            .Produces<ProductResponse>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status404NotFound);
        products.MapGet("/{id}/similar", Similar)
            .WithName("SimilarProducts")
            .WithSummary("The products that look most like this one")
            .WithDescription("Searches with the product's stored vector; the product itself is never in the results.")
            .Produces<SearchResponse>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return products;
    }

    /// <summary>List the catalog's products, a page at a time.</summary>
    /// <param name="state">The loaded catalog.</param>
    /// <param name="page">Page number, from 1 (default 1).</param>
    /// <param name="pageSize">Products per page, 1–100 (default 20).</param>
    /// <param name="category">Only products of these categories (repeat for several).</param>
    internal static Ok<ProductPage> List(
        SearchState state,
        [FromQuery(Name = "page")] string? page,
        [FromQuery(Name = "page_size")] string? pageSize,
        [FromQuery(Name = "category")] string[]? category)
    {
        var number = Parameters.Integer("page", page, 1, 1, int.MaxValue);
        var size = Parameters.Integer("page_size", pageSize, Parameters.DefaultPageSize, 1, Parameters.MaxPageSize);
        var filter = new ProductFilter { Categories = Parameters.Categories(category) };
        var matching = state.Snapshot.Catalog.Products.Where(filter.Matches).ToList();
        var items = matching.Skip((int)Math.Min(int.MaxValue, ((long)number - 1) * size)).Take(size).Select(ProductResponse.From).ToList();
        var totalPages = (matching.Count + size - 1) / size;
        return TypedResults.Ok(new ProductPage(items, number, size, matching.Count, totalPages));
    }

    /// <summary>One product.</summary>
    /// <param name="state">The loaded catalog.</param>
    /// <param name="id">The product id.</param>
    /// <param name="context">The request.</param>
    internal static Ok<ProductResponse> Get(HttpContext context, SearchState state, string id)
    {
        id = RouteIds.Decode(context, id);
        return TypedResults.Ok(ProductResponse.From(state.Snapshot.Catalog.Find(id) ?? throw UnknownProduct(id)));
    }

    /// <summary>The products that look most like this one.</summary>
    /// <param name="state">The loaded catalog and index.</param>
    /// <param name="id">The product id.</param>
    /// <param name="topK">At most this many results, 1–100 (default 10).</param>
    /// <param name="threshold">Leave out results whose score (the calibrated probability of a relevant match) is below this, 0–1 (default 0.70).</param>
    /// <param name="context">The request.</param>
    internal static Ok<SearchResponse> Similar(
        HttpContext context,
        SearchState state,
        string id,
        [FromQuery(Name = "top_k")] string? topK,
        [FromQuery(Name = "threshold")] string? threshold)
    {
        var started = Stopwatch.GetTimestamp();
        id = RouteIds.Decode(context, id);
        var request = new SearchRequest(Parameters.TopK(topK), Parameters.Threshold(threshold), ExcludeId: id);
        var snapshot = state.Snapshot;
        _ = snapshot.Catalog.Find(id) ?? throw UnknownProduct(id);
        var vector = snapshot.VectorOf(id)
            ?? throw ApiProblemException.NotFound($"Product '{Echo(id)}' is not in the index (its image could not be used when the index was built).");

        var matches = snapshot.Search(vector, request);
        return TypedResults.Ok(SearchResponse.From(matches, request.Threshold, Stopwatch.GetElapsedTime(started)));
    }

    internal static ApiProblemException UnknownProduct(string id) =>
        ApiProblemException.NotFound($"There is no product with id '{Echo(id)}'.");

    /// <summary>An id for a message: at most 100 characters.</summary>
    internal static string Echo(string id) => id.Length <= 100 ? id : id[..100] + "…";
}
