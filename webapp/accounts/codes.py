"""统一社会信用代码 (GB 32100-2015) and 组织机构代码 (GB 11714-1997): normalisation and checks.

Pure functions; the forms turn their results into Chinese messages.
"""
import enum
import re
import unicodedata

from stdnum.cn import uscc

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"   # GB 32100: no I, O, Z, S, V
_ORG_ALPHABET = re.compile(r"^[0-9A-Z]{8}[0-9X]$")
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


class CodeProblem(enum.Enum):
    EMPTY = "请填写统一社会信用代码。"
    LENGTH = "统一社会信用代码应为18位，当前为{length}位。"
    CHARACTERS = "统一社会信用代码只能包含数字和大写字母，且不含字母 I、O、Z、S、V（第{position}位“{char}”不允许）。"
    CHECK_CHARACTER = ("统一社会信用代码校验位不符（按 GB 32100-2015 计算，第18位应为“{expected}”）。"
                       "请核对营业执照；若与执照上印制的完全一致，请勾选“确认与营业执照一致”后再提交。")


def normalize(raw: str | None) -> str:
    """Full-width to half-width, drop spaces and dashes, upper case."""
    text = re.sub(r"[\s\-－—_]", "", unicodedata.normalize("NFKC", raw or "")).upper()
    # Removing characters can bring combining marks together again: normalise once more.
    return unicodedata.normalize("NFKC", text)


def check_character(code17: str) -> str:
    return uscc.calc_check_digit(code17)


def credit_code_problem(code: str) -> tuple[CodeProblem, dict] | None:
    """Return the first problem of a normalised credit code, or None when it is valid."""
    if not code:
        return CodeProblem.EMPTY, {}
    if len(code) != 18:
        return CodeProblem.LENGTH, {"length": len(code)}
    for i, char in enumerate(code, start=1):
        if char not in ALPHABET:
            return CodeProblem.CHARACTERS, {"position": i, "char": char}
    expected = check_character(code[:17])
    if code[17] != expected:
        return CodeProblem.CHECK_CHARACTER, {"expected": expected}
    return None


def is_hunan(code: str) -> bool:
    """Characters 3-8 are the registration authority's region code; Hunan's start with 43."""
    return code[2:4] == "43"


def org_code_check_character(code8: str) -> str:
    total = sum(_char_value(c) * w for c, w in zip(code8, _ORG_WEIGHTS))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def _char_value(char: str) -> int:
    return int(char) if char.isdigit() else ord(char) - 55


def is_valid_org_code(code: str) -> bool:
    """组织机构代码: 8 digits/letters and a check character (GB 11714)."""
    return bool(_ORG_ALPHABET.match(code)) and code[8] == org_code_check_character(code[:8])


def is_valid_org_or_credit_code(code: str) -> bool:
    """The form's 组织机构代码 field accepts the 18-character credit code or the 9-character organisation code."""
    if len(code) == 18:
        return credit_code_problem(code) is None
    if len(code) == 9:
        return is_valid_org_code(code)
    return False
