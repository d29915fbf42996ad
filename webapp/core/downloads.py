"""Sending files: Chinese file names in Content-Disposition (RFC 6266 / 5987) and safe headers."""
from urllib.parse import quote

from flask import Response

from webapp.core.text_safety import strip_invisible


def content_disposition(name: str, *, fallback: str = "download", inline: bool = False) -> str:
    """The UTF-8 name for modern browsers (filename*) and an ASCII fallback (filename) for the rest.

    The fallback keeps `name` when it is plain ASCII, else `fallback` with the original extension.
    """
    name = strip_invisible(name)        # a hidden direction mark could disguise the extension
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    ascii_stem = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_. ") else "_" for ch in stem).strip("_ .")
    if not ascii_stem or ascii_stem != stem:
        ascii_stem = fallback
    ascii_ext = "".join(ch for ch in ext if ch.isascii() and ch.isalnum())
    plain = ascii_stem + (f".{ascii_ext}" if ascii_ext else "")
    quoted = quote(name, safe="!#$&+-.^_`|~")
    return f"{'inline' if inline else 'attachment'}; filename=\"{plain}\"; filename*=UTF-8''{quoted}"


def send_bytes(data: bytes, name: str, mimetype: str, *, fallback: str = "download") -> Response:
    """A generated file (Word, Excel, PDF) as a download that is never cached by shared caches."""
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = content_disposition(name, fallback=fallback)
    response.headers["Content-Length"] = str(len(data))
    response.headers["Cache-Control"] = "private, no-store"
    return response


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"
