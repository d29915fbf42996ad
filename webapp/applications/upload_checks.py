"""Checks of an uploaded file's content beyond its type: Office containers that would explode when opened (zip
bombs, billion-laughs XML), and viruses (ClamAV, where the server runs clamd).

DOCX and XLSX files are ZIP containers. Before a file is accepted, its central directory is read (nothing is
decompressed for that): the declared uncompressed size of all entries together, the ratio to the compressed size,
and the number of entries must stay within what a 申报 document needs. Then every XML part is read in chunks (the
declared sizes, already bounded, are enforced while reading) and refused if it carries a document type declaration:
OOXML never needs a DTD, and entity declarations are what a billion-laughs file is made of.
"""
import zipfile
from pathlib import Path

from webapp.core import virus_scan
from webapp.core.numbers import MB

MAX_UNCOMPRESSED = 100 * MB          # all entries together, as declared in the central directory
MAX_RATIO = 100                      # uncompressed / compressed, for a container over RATIO_FLOOR
RATIO_FLOOR = 10 * MB
MAX_ENTRIES = 10_000
XML_SUFFIXES = (".xml", ".rels", ".vml")
FORBIDDEN = (b"<!doctype", b"<!entity")
CHUNK = 64 * 1024


class ContentRefused(ValueError):
    """The file is refused; the message (Chinese, without the file name) says why."""


def check_office_container(path: Path) -> None:
    """Raise ContentRefused for a DOCX/XLSX that would expand too far or carries DTD/entity declarations."""
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
            _check_sizes(entries)
            for entry in entries:
                if entry.filename.lower().endswith(XML_SUFFIXES):
                    _check_xml(archive, entry)
    # NotImplementedError: zipfile says so for a compression method it does not support (not unfinished code here).
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, RuntimeError, NotImplementedError) as exc:
        raise ContentRefused("文件已损坏或无法读取，请用 Office 重新另存后上传。") from exc


def _check_sizes(entries: list[zipfile.ZipInfo]) -> None:
    if len(entries) > MAX_ENTRIES:
        raise ContentRefused(f"文件内部条目过多（{len(entries)} 个），不像正常的 Office 文件。")
    declared = sum(entry.file_size for entry in entries)
    compressed = max(1, sum(entry.compress_size for entry in entries))
    if declared > MAX_UNCOMPRESSED:
        raise ContentRefused(f"文件解压后达 {declared / MB:.0f} MB（上限 {MAX_UNCOMPRESSED // MB} MB），"
                             "可能是“压缩炸弹”，已拒绝。请检查文件，或另存为 PDF 后上传。")
    if declared > RATIO_FLOOR and declared / compressed > MAX_RATIO:
        raise ContentRefused(f"文件压缩比异常（解压后是压缩时的 {declared // compressed} 倍），可能是“压缩炸弹”，"
                             "已拒绝。请另存为 PDF 后上传。")


def _check_xml(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> None:
    """Read the part in chunks, never more than its declared size, looking for a DOCTYPE or ENTITY declaration
    (in UTF-8, or UTF-16 where the part starts with its byte-order mark)."""
    patterns = FORBIDDEN
    tail, read = b"", 0
    with archive.open(entry) as part:
        while chunk := part.read(CHUNK):
            if read == 0 and chunk[:2] in (b"\xff\xfe", b"\xfe\xff"):
                codec = "utf-16-le" if chunk[:2] == b"\xff\xfe" else "utf-16-be"
                patterns = tuple(p.decode().encode(codec) for p in FORBIDDEN)
            read += len(chunk)
            if read > entry.file_size:
                raise ContentRefused("文件内部大小与声明不符，可能是恶意构造的文件，已拒绝。")
            window = (tail + chunk).lower()
            if any(pattern in window for pattern in patterns):
                raise ContentRefused("文件中含有文档类型定义（DTD/实体声明）。正常的 Office 文件不需要它，"
                                     "这是恶意构造文件（如“十亿笑声”攻击）的特征，已拒绝。请用 Office 重新另存后上传。")
            tail = chunk[-32:]


def scan_for_viruses(path: Path) -> None:
    """Raise ContentRefused if clamd (configured by CLAMD_SOCKET) finds a virus, or cannot be asked."""
    try:
        found = virus_scan.scan_file(path)
    except virus_scan.ScannerUnavailable as exc:
        raise ContentRefused("病毒扫描服务暂时不可用，文件未保存。请稍后重试；如持续出现，请联系管理员。") from exc
    if found:
        raise ContentRefused(f"检测到病毒或恶意代码（{found}），文件未保存。请用杀毒软件检查您的电脑后，上传干净的文件。")
