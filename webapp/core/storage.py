"""Files under the instance folder: where they live, and files kept in step with transactions (files.py writes them).

A file written for a new row is removed again if the transaction does not commit; a file whose row is deleted is
removed only after the deletion commits. So no row ever points to a missing file, and a crash leaves no half file.
"""
import os
import re
from pathlib import Path

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from webapp.core.extensions import db

_STORED_NAME = re.compile(r"^[0-9a-f]{32}(\.docx)?$")
_PLACED = "storage.placed"      # files moved into place in this transaction
_DELETED = "storage.deleted"    # files whose rows were deleted in this transaction


def upload_root() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"])


def document_root() -> Path:
    return Path(current_app.config["DOCUMENT_FOLDER"])


def generated_root() -> Path:
    """Where generated documents are kept by their content (documents/content_cache.py); never backed up."""
    return document_root() / "generated"


def stored_path(root: Path, stored_name: str) -> Path:
    """Files are sharded by the first two characters of their generated name; the name is checked first."""
    return Path(stored_location(root, stored_name))


def stored_location(root: Path | str, stored_name: str) -> str:
    """stored_path as a plain string (an archive lists 10,000s of files: a Path each costs more than the join)."""
    if not _STORED_NAME.match(stored_name or ""):
        raise ValueError(f"invalid stored name {stored_name!r}")
    return f"{root}/{stored_name[:2]}/{stored_name}"


def attachment_path_for(stored_name: str) -> Path:
    return stored_path(upload_root(), stored_name)


def discard_unless_committed(path: Path) -> None:
    """A file written for a row of this transaction: removed again if the transaction does not commit."""
    db.session.info.setdefault(_PLACED, []).append(str(path))


def remove_after_commit(path: Path) -> None:
    """The file of a row deleted in this transaction: removed once the deletion is committed."""
    db.session.info.setdefault(_DELETED, []).append(str(path))


def _remove(paths) -> None:
    for path in paths:
        try:
            os.remove(path)
        except OSError:
            pass  # an orphan file is harmless; a row without its file is not


@event.listens_for(Session, "after_commit")
def _after_commit(session):
    session.info.pop(_PLACED, None)
    _remove(session.info.pop(_DELETED, []))


@event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session, transaction):
    if transaction.parent is not None:
        return
    # Still listed after the outermost transaction ended: it was not committed.
    _remove(session.info.pop(_PLACED, []))
    session.info.pop(_DELETED, None)
