using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace CityCard.Server.Endpoints;

/// <summary>
/// <c>GET /api/docs</c>: an API reference page that needs no internet — plain HTML and a few lines of script, served
/// from the program, that read <c>/api/openapi/v1.json</c> and list every operation with its summary and parameters.
/// </summary>
internal static class ApiDocsPage
{
    private const string Html = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>CityCard clearing centre API</title>
        <style>
          body { font-family: system-ui, sans-serif; margin: 2rem; max-width: 60rem; }
          .op { border: 1px solid #ccc; border-radius: 6px; margin: .6rem 0; padding: .5rem .8rem; }
          .method { display: inline-block; min-width: 4rem; font-weight: bold; }
          code { background: #f4f4f4; padding: 0 .2rem; }
          .params { color: #555; font-size: .9rem; }
        </style>
        </head>
        <body>
        <h1>CityCard clearing centre API</h1>
        <p>Generated from <a href="/api/openapi/v1.json"><code>/api/openapi/v1.json</code></a>. Errors are
        <code>application/problem+json</code>. Device requests are signed (docs/clearing.md).</p>
        <div id="operations">Loading…</div>
        <script>
        fetch('/api/openapi/v1.json').then(r => r.json()).then(doc => {
          const list = document.getElementById('operations');
          list.textContent = '';
          for (const [path, item] of Object.entries(doc.paths || {})) {
            for (const [method, op] of Object.entries(item)) {
              const div = document.createElement('div');
              div.className = 'op';
              const head = document.createElement('div');
              const m = document.createElement('span');
              m.className = 'method';
              m.textContent = method.toUpperCase();
              const p = document.createElement('code');
              p.textContent = path;
              head.append(m, p);
              const summary = document.createElement('div');
              summary.textContent = op.summary || '';
              const params = document.createElement('div');
              params.className = 'params';
              params.textContent = (op.parameters || []).map(x => x.name + ' (' + x.in + ')').join(', ');
              div.append(head, summary, params);
              list.append(div);
            }
          }
        }).catch(e => { document.getElementById('operations').textContent = 'Cannot read the OpenAPI document: ' + e; });
        </script>
        </body>
        </html>
        """;

    public static void Map(WebApplication app) =>
        app.MapGet("/api/docs", () => TypedResults.Content(Html, "text/html; charset=utf-8")).ExcludeFromDescription();
}
