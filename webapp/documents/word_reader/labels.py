"""The form's wording, taken from the template builder (the same template defines what can be read back), and how a
text of the file is compared with it: by its words, whatever the spacing, full-width forms, footnote marks, colons or
bracketed units around them."""
import re
import unicodedata
from difflib import SequenceMatcher

from webapp.ops.word_template.basic_table import ECONOMY_ROWS, EFFECT_ROWS
from webapp.ops.word_template.sections import INFLUENCE, OVERVIEW, SCENARIO_ITEMS

__all__ = ["ECONOMY_ROWS", "EFFECT_ROWS", "INFLUENCE", "OVERVIEW", "SCENARIO_ITEMS"]

_BRACKETED = re.compile(r"\([^()]*\)")
_GUIDANCE = re.compile(r"(\([^()]*\))+")
_SPACES = re.compile(r"\s+")
_MARKS = re.compile(r"[①②③④⑤⑥⑦⑧⑨⑩*]")
_ORDINAL = re.compile(r"^\(\s*([一二三四五六七八九十百〇\d.…]+)\s*\)\s*")


def fold(text: str) -> str:
    """For comparing: compatibility forms folded (full-width to ASCII), no spaces, no footnote marks."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", _MARKS.sub("", text or "")))


def key(text: str) -> str:
    """A label as a lookup key: folded, without bracketed parts (units, hints) and colons. "总资产（万元）" → "总资产"."""
    return _BRACKETED.sub("", fold(text)).strip(":：")


def clean(text: str) -> str:
    """A value as the user wrote it: line ends normalised, trimmed; the form's placeholders (……) read as empty."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    return "" if all(ch in "…．.。·" or ch.isspace() for ch in text) else text


def join_lines(lines: list[str]) -> str:
    """Paragraphs of a value as lines of one text; empty paragraphs (extra blank lines) and placeholders dropped."""
    return "\n".join(line for line in (clean(line) for line in lines) if line)


def strip_prefix(text: str, *prefixes: str) -> str | None:
    """`text` after the first of `prefixes` it starts with (compared folded: spacing and full-width forms do not
    matter), or None when it starts with none of them."""
    targets = [target for target in (fold(p) for p in prefixes) if target]
    folded = ""
    for index, char in enumerate(text):
        folded += fold(char)
        if folded in targets:
            return text[index + 1:]
        if not any(target.startswith(folded) for target in targets):
            return None
    return None


def drop_ordinal(text: str) -> tuple[str, str]:
    """"（三）行业优势" → ("三", "行业优势"); without an ordinal ("", text)."""
    folded = unicodedata.normalize("NFKC", text).lstrip()
    match = _ORDINAL.match(folded)
    if not match:
        return "", text.strip()
    return match.group(1), folded[match.end():].strip()


def similarity(a: str, b: str) -> float:
    """0..1, how alike two names are (by their characters, folded)."""
    a, b = fold(a), fold(b)
    if not a or not b:
        return 0.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def guide_of(text: str) -> bool:
    """A paragraph of the form's guidance: wholly in brackets, as 附件2 prints its hints ("（目前仍待解决的问题；…）")."""
    folded = fold(text)
    return len(folded) > 2 and _GUIDANCE.fullmatch(folded) is not None
