"""HTMX helpers: a full page for a normal request, the same named block for an HTMX request."""
from flask import Flask, Response, redirect, render_template, request
from jinja2_fragments.flask import render_block


def is_htmx() -> bool:
    """An HTMX request that wants a fragment. A history restore (the back button on a page htmx pushed, with its
    history cache turned off in base.html) asks for the whole page: it gets it."""
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-History-Restore-Request") != "true"


def render_page_or_block(template: str, block: str, **context) -> str:
    """Render the whole page, or only `block` of the same template when HTMX asks, so the two never drift."""
    if is_htmx():
        return render_block(template, block, **context)
    return render_template(template, **context)


def redirect_after_post(location: str) -> Response:
    """Post/redirect/get: HTMX follows HX-Redirect, a plain form gets 303 See Other."""
    if is_htmx():
        resp = Response("", 204)
        resp.headers["HX-Redirect"] = location
        return resp
    return redirect(location, code=303)


def init_htmx(app: Flask) -> None:
    @app.after_request
    def vary_on_hx_request(response: Response) -> Response:
        # Caches must not serve a fragment for a page or the other way round.
        response.vary.add("HX-Request")
        response.vary.add("HX-History-Restore-Request")
        return response
