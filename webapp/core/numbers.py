"""Parsing numbers as people type them (pure functions, property-tested).

Accepted: full-width digits and punctuation, spaces, thousands separators ("1,234.5"), a trailing "%"
for percentages. Refused with a Chinese message: text, scientific notation, more than two decimals.
"""
import re
import unicodedata
from decimal import Decimal, InvalidOperation

_PLAIN = re.compile(r"^-?\d+(\.\d+)?$")
_GROUPED = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")
MAX_AMOUNT = Decimal("999999999999.99")   # Numeric(14, 2)


class NumberError(ValueError):
    """The message is shown to the user as it is."""


def _clean(raw: str) -> str:
    text = unicodedata.normalize("NFKC", raw)
    text = text.replace("。", ".").replace("、", ",").replace("−", "-").replace("－", "-")
    return re.sub(r"\s+", "", text)


def parse_decimal(raw: str, *, decimals: int = 2, allow_negative: bool = False, percent: bool = False,
                  minimum: Decimal | None = None, maximum: Decimal | None = None) -> Decimal | None:
    """Return the value (None for empty input) or raise NumberError with the reason."""
    text = _clean(raw or "")
    if percent and text.endswith("%"):
        text = text[:-1]
    if text == "":
        return None
    if _GROUPED.match(text):
        text = text.replace(",", "")
    elif not _PLAIN.match(text):
        if "," in text:
            raise NumberError("千分位逗号位置不正确，请输入如 1,234.56 或 1234.56 的数字。")
        raise NumberError("请输入数字（可带小数点），不能包含文字或其他符号。")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise NumberError("请输入数字。") from None
    if "." in text and len(text.split(".")[1]) > decimals:
        raise NumberError(f"最多保留{decimals}位小数。" if decimals else "请输入整数。")
    if value < 0 and not allow_negative:
        raise NumberError("不能为负数。")
    if minimum is not None and value < minimum:
        raise NumberError(f"不能小于{minimum}。")
    upper = maximum if maximum is not None else MAX_AMOUNT
    if value > upper or value < -MAX_AMOUNT:
        raise NumberError(f"不能大于{upper}。" if maximum is not None else "数值过大，请检查单位（万元）。")
    return value


def parse_count(raw: str, maximum: int = 10_000_000) -> int | None:
    """A whole number of people (≥ 0)."""
    value = parse_decimal(raw, decimals=0, maximum=Decimal(maximum))
    return int(value) if value is not None else None


# ---- formatting ----------------------------------------------------------------------------------------------------

def plain_decimal(value, *, grouped: bool = False) -> str:
    """A number without trailing zeros: 12345.60 → "12345.6", 100.00 → "100", None → "".

    `grouped`: with thousands separators and at most two decimals ("12,345.6"), as amounts in 万元 are shown."""
    if value is None:
        return ""
    text = f"{Decimal(value):,.2f}" if grouped else f"{Decimal(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


_CN_DIGITS = "零一二三四五六七八九"


def chinese_number(number: int) -> str:
    """1 → 一, 10 → 十, 17 → 十七, 21 → 二十一 (up to 99), as the form numbers 环节 （一）（二）…"""
    tens, units = divmod(number, 10)
    if tens == 0:
        return _CN_DIGITS[units]
    return (_CN_DIGITS[tens] if tens > 1 else "") + "十" + (_CN_DIGITS[units] if units else "")


MB = 1024 * 1024


def format_size(size: int) -> str:
    """1.5 MB, 820 KB: for messages and lists (1 KB = 1024 bytes)."""
    if size <= 0:
        return "0 KB"
    if size >= MB:
        text = f"{size / MB:.1f}"
        return (text[:-2] if text.endswith(".0") else text) + " MB"
    return f"{max(1, -(-size // 1024))} KB"
