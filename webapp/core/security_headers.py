"""HTTP security headers on every response, and the size limit of request bodies per endpoint."""
from flask import Flask, Request, Response, current_app, request

# No inline scripts or styles anywhere: every script and stylesheet is a file under /static.
CONTENT_SECURITY_POLICY = ("default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; "
                           "form-action 'self'; frame-ancestors 'none'")
# No page of this system uses a camera, a microphone, the location or payment: no page (nor a frame) may ask.
PERMISSIONS_POLICY = ("camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), "
                      "magnetometer=(), gyroscope=(), accelerometer=(), display-capture=(), interest-cohort=()")


def init_security_headers(app: Flask) -> None:
    @app.after_request
    def security_headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if request.is_secure:
            # Over HTTPS (behind nginx, with PROXY_COUNT set): browsers must never come back over plain HTTP.
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if request.endpoint != "static" and "no-store" not in response.headers.get("Cache-Control", ""):
            # Pages and downloads (applications, exports, the audit log with logins and addresses) carry personal
            # and financial data: never stored, by shared caches or the browser (send_file's "no-cache" would keep
            # a copy on disk).
            response.headers["Cache-Control"] = "no-store"
        return response


def accepts_uploads(view):
    """Mark the views that take file uploads: only their bodies may be as large as MAX_CONTENT_LENGTH."""
    view.accepts_uploads = True
    return view


class LimitedRequest(Request):
    """A request whose body may be at most MAX_FORM_MEMORY_SIZE (2 MB) unless its view takes uploads.

    Werkzeug applies MAX_FORM_MEMORY_SIZE to each field of a multipart body only, and reads a url-encoded form whole
    up to MAX_CONTENT_LENGTH (sized for uploads, 210 MB): anyone could post 210 MB to /login, parsed and spooled
    before the CSRF check. Here every endpoint but the upload views (@accepts_uploads) gets the form limit (seven
    times the largest legitimate section of 3 × 10,000 characters) as its whole-body limit, whatever the content
    type, before anything reads the body: beyond it the answer is the Chinese 413 page. nginx is told the same
    (deploy/nginx.conf.example).
    """

    @property
    def max_content_length(self) -> int | None:
        limit = super().max_content_length
        if not current_app:
            return limit
        view = current_app.view_functions.get(self.endpoint) if self.endpoint else None
        if getattr(view, "accepts_uploads", False):
            return limit
        form_limit = current_app.config.get("MAX_FORM_MEMORY_SIZE")
        return min(filter(None, (limit, form_limit)), default=None)


def init_request_limits(app: Flask) -> None:
    app.request_class = LimitedRequest
