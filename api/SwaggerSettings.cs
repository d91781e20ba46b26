namespace ImageSearch.Api;

/// <summary>The OpenAPI description and Swagger UI at <c>/swagger</c> (<c>ImageSearch:Swagger</c>).</summary>
public sealed class SwaggerSettings
{
    /// <summary>Whether <c>/swagger</c> (the UI and <c>/swagger/v1/swagger.json</c>) is served; on by default.</summary>
    public bool Enabled { get; set; } = true;
}
