"""Files other than a 申报书's attachments (the stamped scan of a 推荐函, photos and minutes of a 现场核查): checked by
content, stored under the upload folder by a generated name, kept in step with the transaction (core/storage).

The same rules as the enterprise's uploads (webapp/applications/uploads.py, whose type detection is reused): the
content decides the type, the extension must agree, a size limit, clamd's scan, and the file moves into place only
once whole.
"""
import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from webapp.applications.uploads import (
    CONTENT_TYPES, KINDS, UploadError, clean_name, detect_kind, format_size, scan_and_check, stream_to_temp,
)
from webapp.core.files import fsync_dir
from webapp.core.storage import attachment_path_for, discard_unless_committed, upload_root

CHUNK = 1024 * 1024
INCOMING = ".incoming"
SCANS = {"pdf", "jpeg", "png"}
SCAN_TEXT = "只接受 PDF、JPG、PNG 格式"
PREVIEWABLE = {"application/pdf", "image/png", "image/jpeg"}


class StoredFileError(ValueError):
    """A refused file; the message (Chinese) names it."""


@dataclass(frozen=True)
class StoredFile:
    original_name: str
    stored_name: str
    content_type: str
    size: int
    sha256: str
    crc32: int

    def columns(self) -> dict:
        return {"original_name": self.original_name, "stored_name": self.stored_name,
                "content_type": self.content_type, "size": self.size, "sha256": self.sha256, "crc32": self.crc32}


def store_file(stream: BinaryIO, name: str | None, *, kinds: set[str] = frozenset(SCANS),
               kinds_text: str = SCAN_TEXT, max_bytes: int = 20 * CHUNK) -> StoredFile:
    """Copy, check and place one file; it is removed again unless the transaction that records it commits."""
    name = clean_name(name)
    incoming = upload_root() / INCOMING
    incoming.mkdir(parents=True, exist_ok=True)
    path, size, digest, crc = stream_to_temp(stream, incoming, max_bytes)
    try:
        if size == 0:
            raise StoredFileError(f"“{name}”是空文件，请重新选择。")
        if size > max_bytes:
            raise StoredFileError(f"“{name}”大小为 {format_size(size)}，超过了 {format_size(max_bytes)} 的上限。")
        content_type = _content_type(path, name, kinds, kinds_text)
        stored_name = uuid.uuid4().hex
        target = attachment_path_for(stored_name)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, target)
        fsync_dir(target.parent)
        discard_unless_committed(target)
        return StoredFile(name, stored_name, content_type, size, digest, crc)
    finally:
        path.unlink(missing_ok=True)


def _content_type(path: Path, name: str, kinds: set[str], kinds_text: str) -> str:
    kind = detect_kind(path)
    try:
        scan_and_check(path, name, kind)             # clamd (when configured) and the Office container checks
    except UploadError as refused:
        raise StoredFileError(str(refused)) from None
    if kind is None or kind not in kinds:
        raise StoredFileError(f"“{name}”：文件内容与类型不符，{kinds_text}。")
    ext = os.path.splitext(name)[1].lower()
    label, extensions = KINDS[kind]
    if ext not in extensions:
        raise StoredFileError(f"“{name}”：内容是 {label} 文件，但扩展名为“{ext or '（无）'}”，请改正后重新上传。")
    return CONTENT_TYPES[ext]
