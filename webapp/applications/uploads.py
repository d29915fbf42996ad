"""Uploaded 证明材料: type detection by content, size limits, atomic storage under the upload folder.

No request objects here: the view passes a stream and a name. Files are stored by a generated name
(uuid4 hex, in a subfolder named by its first two characters); the original name lives only in the database.

A file is streamed into `<upload folder>/.incoming/` while it is hashed and counted, fsynced, checked, and only then
moved into place with os.replace, so an interrupted upload never leaves a half file under a stored name.
Session hooks keep files and rows in step: a file placed in a transaction that rolls back is removed again, and the
file of a deleted row is removed only once the deletion is committed.
"""
import hashlib
import os
import re
import struct
import tempfile
import time
import unicodedata
import uuid
import zlib
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import func

from webapp.applications.stamped_scans import UploadError, final_for_scan, supersede_scans
from webapp.applications.upload_checks import ContentRefused, check_office_container, scan_for_viruses
from webapp.core.numbers import MB, format_size
from webapp.core.extensions import db
from webapp.models import (
    Application, ApplicationScenario, Attachment, AttachmentCategory, Campaign, User,
)
from webapp.core.files import fsync_dir
from webapp.core.storage import attachment_path_for, discard_unless_committed, remove_after_commit, upload_root
from webapp.core.timeutil import utcnow

CHUNK = 1024 * 1024
MAX_NAME = 255
MAX_ZIP_ENTRIES = 10_000
MAX_ZIP_DIRECTORY = 8 * MB
STALE_TEMP_SECONDS = 24 * 3600
INCOMING = ".incoming"
SECTION_KEY = "attachments"

ALLOWED_TEXT = "只接受 PDF、JPG、PNG、DOC/DOCX、XLS/XLSX 格式"

# Detected kind → (display name, accepted extensions). DOC and XLS share the OLE2 container.
KINDS = {
    "pdf": ("PDF", {".pdf"}),
    "jpeg": ("JPG", {".jpg", ".jpeg"}),
    "png": ("PNG", {".png"}),
    "ole2": ("DOC/XLS", {".doc", ".xls"}),
    "docx": ("DOCX", {".docx"}),
    "xlsx": ("XLSX", {".xlsx"}),
}
CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".doc": "application/msword",
    ".xls": "application/vnd.ms-excel",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
IMAGE_KINDS = {"jpeg", "png"}
SCAN_KINDS = {"pdf", "jpeg", "png"}
# What each category accepts, when narrower than all kinds; and the browser's `accept` hint.
CATEGORY_KINDS = {
    AttachmentCategory.SOLUTION_PICTURE: (IMAGE_KINDS, "技术方案配图只接受 JPG、PNG 图片"),
    AttachmentCategory.STAMPED_SCAN: (SCAN_KINDS, "盖章申报书扫描件只接受 PDF、JPG、PNG 格式"),
}
ALL_ACCEPT = ".pdf,.jpg,.jpeg,.png,.doc,.docx,.xls,.xlsx"

# ---- sizes and names ----

def clean_name(name: str | None) -> str:
    """The user's file name for display: no path parts, no control or format characters, at most 255 characters."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    if name in ("", ".", ".."):
        name = "未命名文件"
    if len(name) > MAX_NAME:
        stem, ext = os.path.splitext(name)
        ext = ext if len(ext) <= 16 else ""
        name = stem[:MAX_NAME - len(ext)] + ext
    return name


def accept_for(category: AttachmentCategory) -> str:
    """The `accept` attribute of a file input for the category (a hint only: the server checks the content)."""
    if category is AttachmentCategory.SOLUTION_PICTURE:
        return ".jpg,.jpeg,.png"
    if category is AttachmentCategory.STAMPED_SCAN:
        return ".pdf,.jpg,.jpeg,.png"
    return ALL_ACCEPT


# ---- type detection ----

def detect_kind(path: Path) -> str | None:
    """The kind of file by its leading bytes (and, for a ZIP, its entry names); None if not an accepted kind."""
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head == b"\x89PNG\r\n\x1a\n":
        return "png"
    if head == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return "ole2"
    if head.startswith(b"PK\x03\x04"):
        return _office_zip_kind(path)
    return None


def _zip_directory_ok(path: Path) -> bool:
    """Read the end-of-central-directory record and refuse huge or ZIP64 directories before zipfile parses them."""
    size = path.stat().st_size
    with open(path, "rb") as fh:
        tail_size = min(size, 22 + 65535)
        fh.seek(size - tail_size)
        tail = fh.read(tail_size)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        return False
    _sig, _disk, _cd_disk, _entries_here, entries, cd_size, _cd_offset, _comment = struct.unpack(
        "<4sHHHHIIH", tail[at:at + 22])
    if entries == 0xFFFF or cd_size == 0xFFFFFFFF:      # ZIP64: never needed for a 申报 document
        return False
    return entries <= MAX_ZIP_ENTRIES and cd_size <= MAX_ZIP_DIRECTORY


def _office_zip_kind(path: Path) -> str | None:
    """DOCX or XLSX by their entry names. Only the central directory is read: nothing is decompressed."""
    if not _zip_directory_ok(path):
        return None
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return None


def _check_kind(kind: str | None, name: str, category: AttachmentCategory) -> str:
    """The content type to record, or UploadError when the content is not accepted or disagrees with the name."""
    if kind is None:
        raise UploadError(f"“{name}”：文件内容与类型不符，{ALLOWED_TEXT}。")
    allowed, message = CATEGORY_KINDS.get(category, (set(KINDS), ""))
    if kind not in allowed:
        raise UploadError(f"“{name}”：{message}。")
    ext = os.path.splitext(name)[1].lower()
    label, extensions = KINDS[kind]
    if ext not in extensions:
        shown = f"扩展名为“{ext}”" if ext else "没有扩展名"
        raise UploadError(f"“{name}”：文件内容与类型不符——内容是 {label} 文件，但{shown}。"
                          f"请改用正确的扩展名（{'、'.join(sorted(extensions))}）后重新上传。")
    return CONTENT_TYPES[ext]


# ---- storage ----

def attachment_path(attachment: Attachment) -> Path:
    """Where the file of an attachment lives. The stored name is checked, so a bad row cannot point elsewhere."""
    return attachment_path_for(attachment.stored_name)


def open_attachment(attachment: Attachment) -> BinaryIO:
    return open(attachment_path(attachment), "rb")


def application_total(application: Application) -> int:
    """Bytes stored for the application (all categories, pictures of 场景 included)."""
    return int(db.session.execute(
        db.select(func.coalesce(func.sum(Attachment.size), 0)).where(Attachment.application_id == application.id)
    ).scalar_one())


def stream_to_temp(stream: BinaryIO, incoming: Path, limit: int) -> tuple[Path, int, str, int]:
    """Copy `stream` into a new temporary file while hashing and counting; stop writing past `limit` bytes.

    Returns (path, size, sha256, crc32). The size is the full size even when over the limit (so the message can say
    it); past the limit the rest is only counted, not written.
    """
    fd, name = tempfile.mkstemp(dir=incoming, prefix="upload-", suffix=".part")
    path = Path(name)
    digest, crc, size = hashlib.sha256(), 0, 0
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size <= limit:
                    digest.update(chunk)
                    crc = zlib.crc32(chunk, crc)
                    out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path, size, digest.hexdigest(), crc


def _sweep_stale(incoming: Path) -> None:
    """Remove temporary files of uploads killed mid-way (older than a day); never referenced by any row."""
    cutoff = time.time() - STALE_TEMP_SECONDS
    for entry in incoming.glob("upload-*.part"):
        try:
            if entry.stat().st_mtime < cutoff:
                entry.unlink()
        except OSError:
            pass


def _same_content(application: Application, sha256: str) -> Attachment | None:
    """An attachment of the application with exactly these bytes (superseded scans included)."""
    return db.session.execute(db.select(Attachment).where(
        Attachment.application_id == application.id, Attachment.sha256 == sha256).limit(1)).scalar_one_or_none()


def _duplicate_message(name: str, existing: Attachment) -> str:
    where = existing.category.label + ("，已作废" if existing.superseded_at else "")
    return (f"“{name}”与已上传的“{existing.original_name}”（{where}）内容完全相同，没有重复上传。"
            "如需更换文件，请选择另一个文件。")


@dataclass(frozen=True)
class ReceivedFile:
    """An uploaded file copied to a temporary file, counted and hashed (see receive_upload)."""
    path: Path
    size: int
    sha256: str
    crc32: int

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)


def receive_upload(stream: BinaryIO, campaign: Campaign) -> ReceivedFile:
    """The slow part of an upload, done before the write lock: copy, count and hash the file (fsynced), writing no
    more than the campaign's per-file limit. store_upload checks and keeps it, or removes it."""
    incoming = upload_root() / INCOMING
    incoming.mkdir(parents=True, exist_ok=True)
    _sweep_stale(incoming)
    return ReceivedFile(*stream_to_temp(stream, incoming, campaign.max_file_mb * MB))


def store_upload(application: Application, category: AttachmentCategory, upload: BinaryIO | ReceivedFile,
                 original_name: str, user: User | None, app_scenario: ApplicationScenario | None = None, *,
                 batch_started=None) -> Attachment:
    """Check and store one uploaded file (a stream, or one received already); add its Attachment row to the
    session (flushed, not committed).

    Raises UploadError (nothing stored, no temporary file left) when the file is empty, too large, would take the
    application over its limit, its content is not an accepted type or disagrees with its extension, or is exactly
    that of a file already uploaded. A stamped scan is tied to the current 盖章版 (refused without one) and
    supersedes the scans uploaded before `batch_started` (default: now).
    """
    campaign = application.campaign
    received = upload if isinstance(upload, ReceivedFile) else receive_upload(upload, campaign)
    try:
        return _keep(application, category, received, original_name, user, app_scenario, batch_started)
    finally:
        received.discard()          # kept files were moved to their stored name; nothing is left behind


def _keep(application, category, received: ReceivedFile, original_name, user, app_scenario,
          batch_started) -> Attachment:
    campaign = application.campaign
    name = clean_name(original_name)
    if category is AttachmentCategory.SOLUTION_PICTURE:
        if app_scenario is None or app_scenario.app_link.application_id != application.id:
            raise UploadError("请选择配图所属的场景。")
    else:
        app_scenario = None

    size = received.size
    if size == 0:
        raise UploadError(f"“{name}”是空文件，请重新选择。")
    if size > campaign.max_file_mb * MB:
        raise UploadError(f"“{name}”大小为 {format_size(size)}，超过了单个文件 {campaign.max_file_mb} MB 的上限。"
                          "请压缩或拆分后再上传。")
    scan_and_check(received.path, name, detect_kind(received.path))
    content_type = _check_kind(detect_kind(received.path), name, category)
    final = final_for_scan(application) if category is AttachmentCategory.STAMPED_SCAN else None
    existing = _same_content(application, received.sha256)
    if existing is not None:
        raise UploadError(_duplicate_message(name, existing))
    used = application_total(application)
    if used + size > campaign.max_application_mb * MB:
        raise UploadError(f"“{name}”（{format_size(size)}）未上传：本申报书的附件合计不能超过 "
                          f"{campaign.max_application_mb} MB，已上传 {format_size(used)}。"
                          "请删除不需要的文件或压缩后再上传。")
    stored_name = uuid.uuid4().hex
    target = upload_root() / stored_name[:2] / stored_name
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(received.path, target)
    fsync_dir(target.parent)
    # From here the file exists under its stored name: remove it again unless the row is committed.
    discard_unless_committed(target)
    now = utcnow()
    attachment = Attachment(application=application, category=category, app_scenario=app_scenario,
                            original_name=name, stored_name=stored_name, content_type=content_type, size=size,
                            sha256=received.sha256, crc32=received.crc32, uploaded_at=now,
                            uploaded_by_id=getattr(user, "id", None))
    if final is not None:
        attachment.final_print = final
        attachment.document_version, attachment.document_fingerprint = final.version, final.fingerprint
    db.session.add(attachment)
    db.session.flush()
    if final is not None:
        supersede_scans(application, attachment, batch_started or now)
    return attachment


def scan_and_check(path: Path, name: str, kind: str | None) -> None:
    """Viruses first (whatever the file claims to be), then an Office container's sizes and XML (upload_checks)."""
    try:
        scan_for_viruses(path)
        if kind in ("docx", "xlsx"):
            check_office_container(path)
    except ContentRefused as exc:
        raise UploadError(f"“{name}”：{exc}") from exc


def delete_attachment(attachment: Attachment) -> None:
    """Delete the row; its file is removed once the deletion is committed (never before, so no row lacks its file)."""
    path = attachment_path(attachment)
    db.session.delete(attachment)
    db.session.flush()
    remove_after_commit(path)
