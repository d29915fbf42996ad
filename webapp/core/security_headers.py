"""HTTP security headers on every response, and the size limit of form posts."""
from flask import Flask, Request, Response, current_app, request

# No inline scripts or styles anywhere: every script and stylesheet is a file under /static.
CONTENT_SECURITY_POLICY = ("default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; "
                           "form-action 'self'; frame-ancestors 'none'")


def init_security_headers(app: Flask) -> None:
    @app.after_request
    def security_headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if request.is_secure:
            # Over HTTPS (behind nginx, with PROXY_COUNT set): browsers must never come back over plain HTTP.
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if response.mimetype == "text/html":
            # Pages carry personal and financial data: never store them in shared caches.
            response.headers.setdefault("Cache-Control", "no-store")
        return response


class LimitedRequest(Request):
    """A request whose body, unless it is a multipart upload, may be at most MAX_FORM_MEMORY_SIZE.

    Werkzeug applies MAX_FORM_MEMORY_SIZE to each field of a multipart body only; a url-encoded form is read whole,
    limited by MAX_CONTENT_LENGTH alone (sized for uploads, 210 MB). Here a form post gets the form limit (2 MB,
    seven times the largest legitimate section of 3 × 10,000 characters) as its whole-body limit, before anything
    (the CSRF check) reads it: beyond it the answer is the Chinese 413 page.
    """

    @property
    def max_content_length(self) -> int | None:
        limit = super().max_content_length
        if self.mimetype == "multipart/form-data" or not current_app:
            return limit
        form_limit = current_app.config.get("MAX_FORM_MEMORY_SIZE")
        return min(filter(None, (limit, form_limit)), default=None)


def init_request_limits(app: Flask) -> None:
    app.request_class = LimitedRequest
