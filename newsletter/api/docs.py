"""The API's documentation page, rendered on the server from the OpenAPI document.

django-ninja's own docs page runs Swagger UI, which it loads from a CDN unless
configured otherwise: a script from another origin, which the site's
Content-Security-Policy refuses and a reader without that CDN cannot load.
This page is plain HTML on the site's own stylesheet, carries no per-request
secret, and says the same: every operation, its parameters and responses,
with a curl example; tools read /api/v1/openapi.json.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from ninja.openapi.docs import DocsBase

from newsletter.absolute import absolute_url

METHODS = ("get", "head", "options")


def _parameters(operation: dict) -> list[dict]:
    parameters = []
    for parameter in operation.get("parameters", []):
        schema = parameter.get("schema", {})
        parameters.append(
            {
                "name": parameter["name"],
                "location": parameter["in"],
                "required": parameter.get("required", False),
                "type": schema.get("type") or "string",
                "default": schema.get("default"),
                "description": parameter.get("description") or schema.get("description", ""),
            }
        )
    return parameters


def _example_path(path: str) -> str:
    return path.replace("{slug}", "2025-11").replace("{item_id}", "1")


def operations(schema: dict) -> list[dict]:
    """Return the operations of an OpenAPI `schema`, in document order, for the page."""
    found = []
    for path, methods in schema.get("paths", {}).items():
        for method, operation in methods.items():
            if method not in METHODS:
                continue
            found.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "parameters": _parameters(operation),
                    "responses": sorted(operation.get("responses", {})),
                    "example": absolute_url(_example_path(path)),
                }
            )
    return found


class ServerRenderedDocs(DocsBase):
    """A ninja docs renderer that needs no script: see the module's docstring."""

    def render_page(self, request: HttpRequest, api, **kwargs) -> HttpResponse:
        schema = api.get_openapi_schema(path_params=kwargs)
        openapi_url = reverse(f"{api.urls_namespace}:openapi-json", kwargs=kwargs)
        return render(
            request,
            "newsletter/api_docs.html",
            {
                "api": api,
                "operations": operations(schema),
                "openapi_url": openapi_url,
                "openapi_absolute_url": absolute_url(openapi_url),
                "items_example": absolute_url(
                    reverse(f"{api.urls_namespace}:item_list", kwargs=kwargs)
                ),
            },
        )
