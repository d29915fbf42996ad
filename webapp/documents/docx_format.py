"""How values read in the Word 申报书: the context's plain texts, and the template's filters for printing them.

The context holds values as entered (an amount 268671.5 is "268671.5"): it is the content the fingerprint covers.
How they are printed is the template's business, through the filters registered by the renderer:
- `amount`: 万元 with two decimals and thousands separators ("268,671.50"), as audit reports print them;
- `percent`: two decimals ("52.30"), the precision the form stores;
- `fits(width_cm, size)`: whether a value fits on one line of a cell at a font size (see word_template's Fit).
"""
from datetime import date, datetime, timezone
from decimal import Decimal, InvalidOperation

from webapp.core.timeutil import CHINA

CHECKED, UNCHECKED = "☑", "□"
POINTS_PER_CM = 72 / 2.54
# Advance widths in em of Times New Roman, for estimating printed widths; other Latin characters count 0.5 (digits,
# most lower case) or 0.72 (upper case), CJK characters a full em.
_WIDTHS = (dict.fromkeys(".,:;'!|", 0.25) | dict.fromkeys("ijlt", 0.28) | dict.fromkeys("fr-()[]/", 0.33)
           | dict.fromkeys("s", 0.39) | dict.fromkeys("acez", 0.44) | dict.fromkeys("w", 0.72)
           | dict.fromkeys("m%", 0.78) | dict.fromkeys("@MW", 0.92))


# ---- the context's texts

def count(value) -> str:
    return "" if value is None else str(value)


def date_text(value: date | None, blank: str = "") -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else blank


def box(checked) -> str:
    return CHECKED if checked else UNCHECKED


def local_time(value: datetime) -> str:
    aware = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    return aware.astimezone(CHINA).strftime("%Y-%m-%d %H:%M")


# ---- the template's filters

def _decimal(value) -> Decimal | None:
    try:
        return Decimal(str(value)) if value not in (None, "") else None
    except InvalidOperation:
        return None


def amount(value) -> str:
    """An amount in 万元: "268,671.00"; empty stays empty, anything else is printed as it is."""
    parsed = _decimal(value)
    return f"{parsed:,.2f}" if parsed is not None else str(value or "")


def percent(value) -> str:
    """A percentage (without its sign, which the form prints): "52.30"."""
    parsed = _decimal(value)
    return f"{parsed:.2f}" if parsed is not None else str(value or "")


def _em(char: str) -> float:
    if ord(char) >= 0x2E80:
        return 1.0
    return _WIDTHS.get(char, 0.72 if char.isupper() else 0.5)


def fits(value, width_cm: float, size: float) -> bool:
    """Whether `value` printed at `size` pt fits in `width_cm` (estimated, with a little to spare)."""
    width = sum(_em(char) for char in str(value or "")) * size
    return width <= width_cm * POINTS_PER_CM * 0.97
