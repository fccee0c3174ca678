"""Page or fragment: one helper so every screen works with and without htmx."""

from __future__ import annotations

from flask import make_response, render_template, request


def is_htmx_fragment_request() -> bool:
    """True for htmx requests that want a fragment (not boosted navigation, not a history restore)."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-Boosted") != "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def render(page: str, fragment: str | None = None, status: int = 200, **context):
    """Render `fragment` for htmx requests and `page` otherwise, with `Vary: HX-Request`."""
    template = fragment if fragment and is_htmx_fragment_request() else page
    response = make_response(render_template(template, **context), status)
    response.headers["Vary"] = "HX-Request"
    return response
