"""Checks of a .docx package before anything in it is parsed: the container of a hostile file is refused with a
message for the user, and python-docx only ever opens a plain Word document.

Refused: not a ZIP or not a Word document; more entries or more unpacked bytes than a 申报书 ever needs (a zip bomb
declares its sizes and is stopped here; zipfile never unpacks past a declared size); encrypted entries; a macro-enabled
document (.docm), a template (.dotx), macros (vbaProject) or ActiveX controls; a relationship to anything outside the
file (a remote template, linked pictures or objects) except hyperlinks, which Word adds to every typed e-mail address
and which nothing here follows; a DTD or entity declaration in any XML part (Office never writes one).
"""
import io
import re
import zipfile

from lxml import etree

MAX_ENTRIES = 10_000
MAX_UNPACKED = 256 * 1024 * 1024
PROLOG = 4096
MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
MACRO_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
TEMPLATE_MAINS = ("application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
                  "application/vnd.ms-word.template.macroEnabledTemplate.main+xml")
HYPERLINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
_ACTIVE = re.compile(r"(^|/)(vbaProject\.bin|vbaData\.xml)$|(^|/)activeX/", re.IGNORECASE)
_DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_ROOT = re.compile(rb"<[A-Za-z_]")
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
SAVE_AS = "请用 Word 或 WPS 打开后“另存为”Word 文档（*.docx）再导入。"


class WordFileError(ValueError):
    """A file that is not read; the message is for the user."""


def check_package(data: bytes) -> None:
    """Raise WordFileError unless `data` is a plain .docx that is safe to open."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise WordFileError("文件不是有效的 Word 文档（.docx）。" + SAVE_AS) from None
    with archive:
        entries = archive.infolist()
        _check_sizes(entries)
        names = {entry.filename for entry in entries}
        if any(_ACTIVE.search(name) for name in names):
            raise WordFileError("文件中含有宏或 ActiveX 控件，不能导入。" + SAVE_AS)
        for entry in entries:
            if entry.filename.endswith((".xml", ".rels")):
                _check_prolog(archive, entry)
        _check_content_types(archive, names)
        for entry in entries:
            if entry.filename.endswith(".rels"):
                _check_relationships(archive, entry)


def _check_sizes(entries) -> None:
    if len(entries) > MAX_ENTRIES or sum(entry.file_size for entry in entries) > MAX_UNPACKED:
        raise WordFileError("文件解压后过大或包含的部件过多，不像一份申报书，不能导入。")
    if any(entry.flag_bits & 0x1 for entry in entries):
        raise WordFileError("文件中有加密的部件，不能导入。请取消文档密码后再导入。")


def _check_prolog(archive: zipfile.ZipFile, entry) -> None:
    """Nothing but the XML declaration before the root element (Office writes no more): a DTD or entity
    declaration, or a prolog padded to hide one further on, is refused."""
    with archive.open(entry) as part:
        head = part.read(PROLOG)
    root = _ROOT.search(head)
    if _DECLARATION.search(head[:root.start()] if root else head) or (root is None and entry.file_size > 0):
        raise WordFileError("文件中含有文档类型（DTD）或实体声明，Word 不会写出这样的内容，不能导入。")


def _read_xml(archive: zipfile.ZipFile, name: str):
    try:
        return etree.fromstring(archive.read(name), _PARSER)
    except (etree.XMLSyntaxError, KeyError, zipfile.BadZipFile, EOFError, ValueError):
        raise WordFileError("文件已损坏，无法读取。" + SAVE_AS) from None


def _check_content_types(archive: zipfile.ZipFile, names: set[str]) -> None:
    if "[Content_Types].xml" not in names:
        raise WordFileError("文件不是有效的 Word 文档（.docx）。" + SAVE_AS)
    types = {element.get("ContentType") or "" for element in _read_xml(archive, "[Content_Types].xml")}
    if MACRO_MAIN in types or any("macroEnabled" in t or "vbaProject" in t for t in types):
        raise WordFileError("这是启用宏的 Word 文档（.docm），不能导入。" + SAVE_AS)
    if any(t in TEMPLATE_MAINS for t in types):
        raise WordFileError("这是 Word 模板（.dotx），不是文档。" + SAVE_AS)
    if MAIN not in types:
        raise WordFileError("文件不是 Word 文档（.docx）。" + SAVE_AS)


def _check_relationships(archive: zipfile.ZipFile, entry) -> None:
    for relationship in _read_xml(archive, entry.filename):
        if (relationship.get("TargetMode") or "").lower() == "external" and relationship.get("Type") != HYPERLINK:
            kind = (relationship.get("Type") or "").rsplit("/", 1)[-1]
            raise WordFileError(f"文件引用了文件以外的内容（{kind}），为安全起见不能导入。"
                                "请把链接的图片或对象嵌入文档（或删除），另存为 .docx 后再导入。")
