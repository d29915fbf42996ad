"""The Word file of an import: received like an upload (size limit, content checked against its name), an old .doc
converted where the server has LibreOffice, checked as a package (word_reader.package), read, and kept for the time
between the preview and the import under the upload folder's incoming area (left out of backups, swept after a day).

The checks of a received file are in one place, check_word_file: the upload checks of uploads.py (kind by content,
clamd's virus scan, the ZIP directory and XML) and the package checks of the reader (macros, external relationships, DTDs, unpacked size).
"""
import json
import os
import re
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from webapp.applications.uploads import INCOMING, UploadError, clean_name, detect_kind, receive_upload, scan_and_check
from webapp.core.files import write_atomically
from webapp.core.numbers import MB, format_size
from webapp.core.storage import upload_root
from webapp.documents.doc_convert import ConversionError, convert_doc
from webapp.documents.pdf import office_binary
from webapp.documents.word_reader import ParsedDocument, WordFileError, read_docx
from webapp.documents.word_reader.package import SAVE_AS, check_package
from webapp.models import Application, Campaign, User

KEEP_SECONDS = 24 * 3600
_TOKEN = re.compile(r"^[0-9a-f]{32}$")
PREFIX = "word-import-"


@dataclass(frozen=True)
class PendingFile:
    """An uploaded Word file waiting for its import (the .docx, converted if it came as .doc)."""
    token: str
    name: str               # the user's file name, for display and the history
    size: int
    sha256: str             # of the file as uploaded
    data: bytes
    converted: bool = False

    def read(self) -> ParsedDocument:
        return read_docx(self.data)


def check_word_file(path: Path, name: str) -> tuple[bytes, bool]:
    """The .docx bytes of a received file, or WordFileError. (bytes, converted from .doc)."""
    extension = os.path.splitext(name)[1].lower()
    if extension in (".docm", ".dotm"):
        raise WordFileError(f"“{name}”是启用宏的 Word 文件，不能导入。" + SAVE_AS)
    if extension not in (".docx", ".doc"):
        raise WordFileError(f"“{name}”不是 Word 文件：只能导入 .docx（或 .doc）格式的申报书。" + SAVE_AS)
    kind = detect_kind(path)
    try:
        scan_and_check(path, name, kind)         # the same virus scan and container checks as every upload
    except UploadError as refused:
        raise WordFileError(str(refused)) from None
    if kind == "ole2":
        if extension == ".docx":
            raise WordFileError(f"“{name}”设有打开密码或不是 .docx 文件，请取消密码后另存为 .docx 再导入。")
        return _converted(path, name), True
    if kind != "docx":
        raise WordFileError(f"“{name}”的内容不是 Word 文档。" + SAVE_AS)
    data = path.read_bytes()
    check_package(data)
    return data, False


def _converted(path: Path, name: str) -> bytes:
    if not office_binary():
        raise WordFileError(f"“{name}”是旧版 Word 格式（.doc），本系统不能直接读取。请用 Word 或 WPS 打开后"
                            "“另存为”Word 文档（*.docx）再导入。")
    with tempfile.TemporaryDirectory() as work:
        try:
            data = convert_doc(path.read_bytes(), Path(work))
        except ConversionError:
            raise WordFileError(f"“{name}”（.doc）无法转换，可能已损坏或设有密码。" + SAVE_AS) from None
    check_package(data)
    return data


def receive_word_file(application: Application, stream: BinaryIO, name: str, user: User) -> PendingFile:
    """Check, read and keep an uploaded Word file for the application's import; WordFileError when refused."""
    name = clean_name(name)
    campaign: Campaign = application.campaign
    received = receive_upload(stream, campaign)
    try:
        if received.size == 0:
            raise WordFileError(f"“{name}”是空文件，请重新选择。")
        if received.size > campaign.max_file_mb * MB:
            raise WordFileError(f"“{name}”大小为 {format_size(received.size)}，超过了单个文件 {campaign.max_file_mb} MB "
                                "的上限。")
        data, converted = check_word_file(received.path, name)
    finally:
        received.discard()
    pending = PendingFile(uuid.uuid4().hex, name, received.size, received.sha256, data, converted)
    pending.read()                        # a file that cannot be read is refused now, not at the preview
    _keep(application, pending, user)
    return pending


def _folder() -> Path:
    return upload_root() / INCOMING


def _paths(application_id: int, token: str) -> tuple[Path, Path]:
    stem = _folder() / f"{PREFIX}{application_id}-{token}"
    return stem.with_suffix(".docx"), stem.with_suffix(".json")


def _keep(application: Application, pending: PendingFile, user: User) -> None:
    _sweep()
    docx, meta = _paths(application.id, pending.token)
    write_atomically(docx, pending.data)
    write_atomically(meta, json.dumps({"name": pending.name, "size": pending.size, "sha256": pending.sha256,
                                       "user_id": user.id, "converted": pending.converted}).encode())


def load_pending(application: Application, token: str | None, user: User) -> PendingFile | None:
    """The file `user` uploaded for this application under `token`; None when unknown or expired."""
    if not token or not _TOKEN.match(token):
        return None
    docx, meta = _paths(application.id, token)
    try:
        info = json.loads(meta.read_text(encoding="utf-8"))
        data = docx.read_bytes()
    except (OSError, ValueError):
        return None
    if info.get("user_id") != user.id or time.time() - docx.stat().st_mtime > KEEP_SECONDS:
        return None
    return PendingFile(token, info["name"], info["size"], info["sha256"], data, info.get("converted", False))


def discard_pending(application: Application, token: str) -> None:
    for path in _paths(application.id, token):
        path.unlink(missing_ok=True)


def _sweep() -> None:
    """Files of imports never finished, older than a day."""
    cutoff = time.time() - KEEP_SECONDS
    for entry in _folder().glob(f"{PREFIX}*"):
        try:
            if entry.stat().st_mtime < cutoff:
                entry.unlink()
        except OSError:
            pass
