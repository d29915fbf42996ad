"""Invisible and direction-changing characters (pure).

The bidirectional embedding/override/isolate controls (U+202A–U+202E, U+2066–U+2069), the zero-width and direction
marks (U+200B–U+200F) and the byte-order mark / zero-width no-break space (U+FEFF) are invisible when shown, but
reorder or hide what is around them: "湖南某公司\u202Excod.exe" displays as "湖南某公司exe.docx". In names and
identifiers they are refused with a clear message (forms.fields.NoInvisible); in free text they are removed
(forms.fields.strip_filter); they never reach a Word, Excel or ZIP file or a download name (documents/, downloads).
"""
import re

INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
INVISIBLE_MESSAGE = ("含有不可见的控制字符（如从右向左书写标记、零宽字符），这类字符可能被用来伪装名称或文件扩展名，"
                     "请删除后重新输入（可重新手工输入，而不是从其他文档复制）。")


def has_invisible(text: str | None) -> bool:
    return bool(text) and INVISIBLE.search(text) is not None


def strip_invisible(text: str) -> str:
    return INVISIBLE.sub("", text)
