"""Making user values safe for spreadsheet cells (pure functions, no Flask).

Every user-supplied value that goes into a workbook passes through `write_text`, which guarantees:

* The cell is a text cell (data type ``s``), never a formula and never an error value. Text that
  Excel or WPS would read as a formula when typed (``=1+1``, ``+86``, ``-3``, ``@SUM(A1)``) or as an
  error (``#N/A``) is stored as plain text and additionally carries the "quote prefix" flag, so it
  stays text even when someone edits the cell later.
* Characters a workbook cannot hold are removed: the control characters below U+0020 other than
  tab and line feed (openpyxl refuses them, see ``openpyxl.cell.cell.ILLEGAL_CHARACTERS_RE``), lone
  surrogates and the non-characters U+FFFE / U+FFFF (not allowed in XML). Carriage returns become line
  feeds ("\\r\\n" and a lone "\\r" each turn into "\\n"), because XML readers normalise them anyway.
* Text that contains an OOXML escape sequence such as ``_x0041_`` is escaped (``_x005F_x0041_``), so
  Excel shows the characters the user typed instead of decoding them.
* Text longer than Excel's cell limit of 32,767 characters (counted in UTF-16 code units, as Excel
  does) is never cut silently: it is shortened and ends with `TRUNCATION_MARKER`, which tells the
  reader that the full text is in the 申报书.
"""
import re

from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE

MAX_CELL_CHARS = 32_767
TRUNCATION_MARKER = "…（内容过长，已截断，完整内容见申报书）"
MAX_SHEET_TITLE = 31

# Starting characters that make Excel/WPS/LibreOffice treat typed text as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")

# Error values Excel would make of typed text (openpyxl's list plus those of recent Excel versions).
_ERROR_LIKE = frozenset(ERROR_CODES) | {"#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!",
                                        "#UNKNOWN!", "#GETTING_DATA", "#PYTHON!"}

# What openpyxl refuses, plus what XML 1.0 cannot carry at all.
_REMOVED = re.compile(ILLEGAL_CHARACTERS_RE.pattern + r"|[\ud800-\udfff\ufffe\uffff]")
_OOXML_ESCAPE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def clean_text(value: object) -> str:
    """The text a cell shows for `value`: None → "", CR normalised, forbidden characters removed, truncated."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _REMOVED.sub("", text)
    return _fit(text)


def cell_text(value: object) -> str:
    """The string stored in the workbook for `value` (`clean_text` plus OOXML escaping)."""
    return _escape(clean_text(value))


def unescape_cell_text(stored: str) -> str:
    """Inverse of the OOXML escaping in `cell_text` (what Excel displays for a stored string)."""
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), stored)


def needs_quote_prefix(text: str) -> bool:
    """True when Excel would read `text`, if typed into a cell, as something other than text."""
    return text.startswith(FORMULA_PREFIXES) or text.strip().upper() in _ERROR_LIKE


def write_text(cell, value: object) -> None:
    """Put `value` into `cell` as literal text. Empty text leaves the cell empty."""
    text = cell_text(value)
    quote = needs_quote_prefix(text)
    if quote or cell.quotePrefix:
        cell.quotePrefix = quote
    if not text:
        cell.value = None
        return
    cell.value = text
    # openpyxl infers "f" for a leading "=" and "e" for "#N/A" etc.; a user value is always text.
    cell.data_type = "s"


def utf16_len(text: str) -> int:
    """Length as Excel counts it (characters outside the BMP count twice)."""
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def safe_sheet_title(name: object, taken: set[str], fallback: str = "工作表") -> str:
    """A valid, unused Excel sheet name derived from `name`; adds it (case-folded) to `taken`.

    Excel's rules: 1–31 characters, none of ``[ ] : * ? / \\``, not starting or ending with an
    apostrophe, not "History", unique regardless of case.
    """
    title = _SHEET_FORBIDDEN.sub("_", clean_text(name).replace("\n", " ").replace("\t", " "))
    title = title.strip().strip("'").strip() or fallback
    if title.casefold() == "history":
        title = f"{title}_"
    title = _cut(title, MAX_SHEET_TITLE)
    candidate, number = title, 1
    while candidate.casefold() in taken:
        number += 1
        suffix = f"({number})"
        candidate = _cut(title, MAX_SHEET_TITLE - len(suffix)).rstrip("'") + suffix
    taken.add(candidate.casefold())
    return candidate


def _escape(text: str) -> str:
    return _OOXML_ESCAPE.sub(r"_x005F_\1", text) if "_x" in text else text


def _fit(text: str) -> str:
    """Shorten `text` so that, escaped, it fits in a cell; mark the cut visibly."""
    # Fast path: escaping and UTF-16 counting each turn one character into at most two units.
    if len(text) <= MAX_CELL_CHARS // 2 or utf16_len(_escape(text)) <= MAX_CELL_CHARS:
        return text
    budget = MAX_CELL_CHARS - utf16_len(TRUNCATION_MARKER)
    while True:
        shortened = _cut(text, budget) + TRUNCATION_MARKER
        overflow = utf16_len(_escape(shortened)) - MAX_CELL_CHARS
        if overflow <= 0:
            return shortened
        budget -= overflow


def _cut(text: str, units: int) -> str:
    """The longest prefix of `text` that is at most `units` UTF-16 code units long."""
    if len(text) <= units and utf16_len(text) <= units:
        return text
    used = 0
    for index, char in enumerate(text):
        used += 2 if ord(char) > 0xFFFF else 1
        if used > units:
            return text[:index]
    return text
