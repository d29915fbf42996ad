"""The identifiers of a certificate: its number (printed, sequential per year and type) and its verification code
(public, unguessable), and the shape of a 文号.

- Certificate number: 湘智标〔<year>〕企-<NNN> for a 标杆企业, 湘智标〔<year>〕车-<NNN> for a 标杆车间, numbered from 001
  in the order of the recognition list; a number is never reused (a revoked certificate keeps its own).
- Verification code: 10 characters from an alphabet without look-alikes (no 0/O, 1/I/L), drawn by `secrets`: 32^10
  ≈ 8·10^14 codes, so that guessing one is hopeless (and the verification page is throttled besides). Shown as
  XXXXX-XXXXX; typed with or without the hyphen, spaces, in lower case.
"""
import re
import secrets
import unicodedata

from webapp.models import ApplicationType

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10
TYPE_MARK = {ApplicationType.ENTERPRISE: "企", ApplicationType.WORKSHOP: "车"}
BRACKETS = str.maketrans({"[": "〔", "]": "〕", "【": "〔", "】": "〕", "(": "〔", ")": "〕", "（": "〔", "）": "〕",
                          "［": "〔", "］": "〕"})
DOCUMENT_NO = re.compile(r"^湘工信[\u4e00-\u9fff]{0,8}〔(\d{4})〕(\d{1,5})号$")
DOCUMENT_NO_HINT = "文号应形如“湘工信装备〔2026〕123号”：以“湘工信”开头，年份写在六角括号〔〕内，以“号”结尾。"


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(text: str | None) -> str | None:
    """The code as stored, from what a visitor typed; None when it cannot be one (the page answers 未找到 either
    way, so a malformed code and an unknown one look the same)."""
    code = unicodedata.normalize("NFKC", text or "").upper().replace("-", "").replace(" ", "")
    if len(code) != CODE_LENGTH or any(c not in ALPHABET for c in code):
        return None
    return code


def display_code(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


def certificate_number(year: int, app_type: ApplicationType, sequence: int) -> str:
    return f"湘智标〔{year}〕{TYPE_MARK[app_type]}-{sequence:03d}"


def clean_document_no(text: str | None) -> str:
    """A 文号 in its usual form (full-width digits and other brackets forgiven); ValueError with a clear message."""
    value = unicodedata.normalize("NFKC", (text or "").strip()).translate(BRACKETS).replace(" ", "")
    # NFKC turns 〔〕 into themselves but full-width digits into ASCII, which is what we store.
    if not value:
        raise ValueError("请填写文号。")
    match = DOCUMENT_NO.match(value)
    if match is None:
        raise ValueError(DOCUMENT_NO_HINT)
    if not 2000 <= int(match.group(1)) <= 2100:
        raise ValueError(f"文号中的年份“{match.group(1)}”不对。{DOCUMENT_NO_HINT}")
    return value
