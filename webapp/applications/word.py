"""The generated 申报书 Word file: the draft, the 盖章版 (the copy to stamp, frozen again at submission), the PDF.

The renderer (documents/docx_builder.py) knows nothing of storage; this module reads pictures from the upload
folder and keeps frozen files under the instance's document folder.
"""
import hashlib
import tempfile
import uuid
import zlib
from dataclasses import dataclass
from pathlib import Path
from datetime import date, datetime

from webapp.documents import docx_builder
from webapp.documents.pdf import convert_to_pdf
from webapp.models import Application, Snapshot
from webapp.core.files import write_atomically
from webapp.core.storage import attachment_path_for, discard_unless_committed, document_root, stored_path
from webapp.core.timeutil import utcnow


def read_picture(picture: dict) -> bytes:
    return attachment_path_for(picture["stored_name"]).read_bytes()


def content_fingerprint(application: Application) -> str:
    """The fingerprint printed in the Word footer: the same for a draft print and the submission it becomes."""
    return docx_builder.application_context(application, generated_at=utcnow(), draft=True)["fingerprint"]


def render_application(application: Application, *, draft: bool, generated_at: datetime | None = None,
                       version: int | None = None) -> bytes:
    """The Word file of the current content; a draft carries the version number it is being prepared as."""
    context = docx_builder.application_context(application, generated_at=generated_at or utcnow(), draft=draft,
                                               version=version)
    return docx_builder.render_docx(context, read_picture)


def frozen_path(snapshot: Snapshot) -> Path:
    """Where a frozen Word file is stored: of a Snapshot, a FinalPrint, or a row with their `docx_stored_name`.
    ValueError for a stored name that is not one the app makes."""
    return stored_path(document_root(), snapshot.docx_stored_name)


@dataclass(frozen=True)
class FrozenDocument:
    """The Word file of a version about to be submitted, rendered but not yet stored."""
    data: bytes
    fingerprint: str


def render_frozen(application: Application, generated_at: datetime, version: int,
                  declared_on: date) -> FrozenDocument:
    """Render the file to be stamped and submitted: no 草稿 mark, its 版本 and 申报日期 in it."""
    context = docx_builder.application_context(application, generated_at=generated_at, draft=False,
                                               version=version, declared_on=declared_on)
    return FrozenDocument(docx_builder.render_docx(context, read_picture), context["fingerprint"])


def store_frozen(document: FrozenDocument) -> dict:
    """Store the submitted version's file once; returns the Snapshot columns that describe it.

    The archive reuses this file, so what the unit and the province hold is exactly what was submitted.
    """
    stored_name = f"{uuid.uuid4().hex}.docx"
    target = stored_path(document_root(), stored_name)
    write_atomically(target, document.data)
    discard_unless_committed(target)
    return {"fingerprint": document.fingerprint, "docx_stored_name": stored_name, "docx_size": len(document.data),
            "docx_sha256": hashlib.sha256(document.data).hexdigest(), "docx_crc32": zlib.crc32(document.data)}


def pdf_of(docx: bytes, cache_key: str) -> bytes:
    """The PDF of a Word file (LibreOffice), cached by content under the document folder."""
    cached = document_root() / "pdf" / f"{cache_key}.pdf"
    if cached.exists():
        return cached.read_bytes()
    with tempfile.TemporaryDirectory() as work:
        data = convert_to_pdf({"shenbaoshu": docx}, Path(work))["shenbaoshu"]
    write_atomically(cached, data)
    return data
