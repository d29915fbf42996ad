"""Password policy (pure): length (8 for enterprises, 12 for staff), three of four character classes (等保's
complexity rule), not the login or the company name, not a common or breached password (a list shipped in
common_passwords.txt, no outside service), and not a common word dressed up with capitals, digits and symbols
(P@ssw0rd, Admin@123)."""
import re
import secrets
import string
from functools import cache
from pathlib import Path

MIN_LENGTH = 8
MIN_LENGTH_STAFF = 12
BLOCKLIST = Path(__file__).with_name("common_passwords.txt")
# Look-alike characters of common words written "strongly": P@ssw0rd → password.
LEET = str.maketrans({"@": "a", "4": "a", "0": "o", "1": "i", "!": "i", "3": "e", "$": "s", "5": "s", "7": "t"})


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list, lower case; lines starting with # are comments."""
    lines = BLOCKLIST.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def is_common(password: str) -> bool:
    """On the list as typed (any case), or a listed word with only digits and symbols around it, or written with
    look-alike characters."""
    lowered = password.lower()
    listed = common_passwords()
    if lowered in listed:
        return True
    for candidate in {lowered, lowered.translate(LEET)}:
        core = re.sub(r"^[\d\W_]+|[\d\W_]+$", "", candidate)
        if len(core) >= 3 and core in listed:
            return True
        if candidate.translate(LEET) in listed:
            return True
    return False


def password_problems(password: str, login: str = "", *, staff: bool = False,
                      names: list[str] | tuple[str, ...] = ()) -> list[str]:
    problems = []
    minimum = MIN_LENGTH_STAFF if staff else MIN_LENGTH
    if len(password) < minimum:
        problems.append(f"密码至少{minimum}位。")
    classes = sum((
        any(c.isupper() for c in password),
        any(c.islower() for c in password),
        any(c.isdigit() for c in password),
        any(not c.isalnum() for c in password),
    ))
    if classes < 3:
        problems.append("密码须包含大写字母、小写字母、数字、符号中的至少三类。")
    if login and login.lower() in password.lower():
        problems.append("密码不能包含用户名或统一社会信用代码。")
    if any(name and name.strip().lower() in password.lower() for name in names):
        problems.append("密码不能包含企业名称。")
    if is_common(password):
        problems.append("该密码过于常见（在常用或已泄露密码清单中），请换一个不易被猜到的密码。")
    return problems


def generate_one_time_password() -> str:
    """A random password that satisfies the staff policy, without look-alike characters."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"
    while True:
        body = "".join(secrets.choice(alphabet) for _ in range(13))
        candidate = body[:6] + secrets.choice("#%+=@") + body[6:]
        if not password_problems(candidate, staff=True) and any(c in string.digits for c in candidate):
            return candidate
