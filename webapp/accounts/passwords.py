"""Password policy (pure): at least 8 characters, three of four character classes, not the login."""
import secrets
import string

MIN_LENGTH = 8


def password_problems(password: str, login: str = "") -> list[str]:
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(f"密码至少{MIN_LENGTH}位。")
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
    return problems


def generate_one_time_password() -> str:
    """A random password that satisfies the policy, without look-alike characters."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"
    while True:
        body = "".join(secrets.choice(alphabet) for _ in range(10))
        candidate = body[:5] + secrets.choice("#%+=@") + body[5:]
        if not password_problems(candidate) and any(c in string.digits for c in candidate):
            return candidate
