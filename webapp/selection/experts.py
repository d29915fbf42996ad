"""专家库: entries curated by the admin (a page, or an Excel list), declared relations (a reason for 回避), and the
expert logins, which only the 安全管理员 issues (三员分立) — or `flask create-user --role expert`.

Every change is audited; functions raise ExpertError (Chinese message) before changing anything; the caller commits.
"""
import re
import unicodedata
from dataclasses import dataclass, field

from webapp.accounts import codes
from webapp.accounts.operations import AccountError, create_staff_user
from webapp.audit import trail as audit
from webapp.core.extensions import db
from webapp.models import Enterprise, Expert, ExpertRelation, Link, Prefecture, Role, User

MOBILE = re.compile(r"^1[3-9]\d{9}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class ExpertError(ValueError):
    """A refused change of the pool; the message is for the user."""


@dataclass
class ExpertValues:
    name: str
    employer: str
    employer_credit_code: str | None
    prefecture_adcode: str
    title: str = ""
    fields: list[str] = field(default_factory=list)
    phone: str = ""
    email: str = ""
    active: bool = True


def link_names() -> list[str]:
    """The 16 环节 of the guide (by name, as experts' 专业领域 are kept), in the guide's order."""
    rows = db.session.execute(db.select(Link.no, Link.name).order_by(Link.no, Link.id)).all()
    return list(dict.fromkeys(name for _no, name in rows))


def prefectures() -> list[Prefecture]:
    return list(db.session.execute(db.select(Prefecture).order_by(Prefecture.adcode)).scalars())


def normalize_code(raw: str | None) -> str | None:
    """A credit code as stored (full-width and case normalised), None when empty; ExpertError when invalid."""
    code = codes.normalize(raw)
    if not code:
        return None
    problem = codes.credit_code_problem(code)
    if problem is not None and problem[0] is not codes.CodeProblem.CHECK_CHARACTER:
        raise ExpertError(problem[0].value.format(**problem[1]))
    return code


def check_values(values: ExpertValues) -> list[str]:
    """The rules of an entry, shared by the page and the Excel import (messages in Chinese)."""
    problems = []
    if not values.name.strip():
        problems.append("请填写姓名。")
    if not values.employer.strip():
        problems.append("请填写工作单位。")
    if db.session.get(Prefecture, values.prefecture_adcode or "") is None:
        problems.append("请选择所在市州。")
    if values.phone and not MOBILE.match(values.phone):
        problems.append("手机号码应为11位，如 13812345678。")
    if values.email and not EMAIL.match(values.email):
        problems.append("电子邮箱格式不正确。")
    unknown = [name for name in values.fields if name not in link_names()]
    if unknown:
        problems.append(f"专业领域“{'、'.join(unknown)}”不是场景指引中的智能制造环节。")
    return problems


def save_expert(expert: Expert | None, values: ExpertValues, actor: User) -> Expert:
    problems = check_values(values)
    if problems:
        raise ExpertError(" ".join(problems))
    created = expert is None
    expert = expert or Expert()
    before = None if created else _describe(expert)
    for name in ("name", "employer", "employer_credit_code", "prefecture_adcode", "title", "phone", "email",
                 "active"):
        setattr(expert, name, getattr(values, name))
    expert.fields = list(values.fields)
    db.session.add(expert)
    db.session.flush()
    audit.record("expert.create" if created else "expert.update", obj=expert, actor=actor,
                 detail={"before": before, "after": _describe(expert)})
    return expert


def _describe(expert: Expert) -> dict:
    return {"name": expert.name, "employer": expert.employer, "credit_code": expert.employer_credit_code,
            "prefecture": expert.prefecture_adcode, "title": expert.title, "fields": list(expert.fields or []),
            "active": expert.active}


def filtered_experts(text: str | None, prefecture: str | None, link: str | None, state: str | None) -> list[Expert]:
    """The pool by name or 工作单位, 市州, 专业领域 and state, in 市州 order."""
    conditions = []
    text = (text or "").strip()[:50]
    if text:
        conditions.append(Expert.name.icontains(text, autoescape=True)
                          | Expert.employer.icontains(text, autoescape=True))
    if prefecture:
        conditions.append(Expert.prefecture_adcode == prefecture)
    if state in ("active", "inactive"):
        conditions.append(Expert.active.is_(state == "active"))
    experts = list(db.session.execute(db.select(Expert).where(*conditions).options(
        db.joinedload(Expert.prefecture), db.joinedload(Expert.user))
        .order_by(Expert.prefecture_adcode, Expert.name, Expert.id)).scalars())
    return [e for e in experts if not link or link in (e.fields or [])]


def find_by_contact(name: str, phone: str) -> Expert | None:
    """An entry with this name and phone (how an import recognises an existing expert)."""
    return db.session.execute(db.select(Expert).filter_by(name=name, phone=phone).limit(1)).scalar_one_or_none()


# ---- declared relations ----------------------------------------------------------------------------------------

def add_relation(expert: Expert, credit_code: str, reason: str, actor: User, *, by_expert: bool = False,
                 enterprise_name: str = "") -> ExpertRelation:
    code = normalize_code(credit_code)
    if code is None:
        raise ExpertError("请填写有关企业的统一社会信用代码。")
    if not (reason or "").strip():
        raise ExpertError("请说明关系（如：曾任职、亲属任职、业务往来）。")
    existing = next((r for r in expert.relations if r.credit_code == code), None)
    if existing is not None:
        return existing
    if not enterprise_name:
        enterprise_name = db.session.execute(db.select(Enterprise.name).filter_by(credit_code=code)).scalar() or ""
    relation = ExpertRelation(expert=expert, credit_code=code, enterprise_name=enterprise_name,
                              reason=reason.strip()[:500], declared_by_expert=by_expert, created_by_id=actor.id)
    db.session.add(relation)
    db.session.flush()
    audit.record("expert.relation_add", obj=expert, actor=actor,
                 detail={"credit_code": code, "enterprise": enterprise_name, "reason": relation.reason,
                         "by_expert": by_expert})
    return relation


def remove_relation(relation: ExpertRelation, actor: User) -> None:
    audit.record("expert.relation_remove", obj=relation.expert, actor=actor,
                 detail={"credit_code": relation.credit_code, "reason": relation.reason})
    db.session.delete(relation)


# ---- logins ----------------------------------------------------------------------------------------------------

def issue_login(expert: Expert, login: str, actor: User | None) -> tuple[User, str]:
    """A 评审专家 account for the entry, with a one-time password (安全管理员, or the command line)."""
    if actor is not None and actor.role is not Role.SECURITY:
        raise ExpertError("专家账号只能由安全管理员开通。")
    if expert.user_id is not None:
        raise ExpertError(f"{expert.name}已有登录账号（{expert.user.login}）。如需重置密码，请在账号管理中操作。")
    try:
        user, password = create_staff_user(role=Role.EXPERT, login=login, display_name=expert.name, actor=actor)
    except AccountError as exc:
        raise ExpertError(str(exc)) from None
    user.mobile = expert.phone or ""
    expert.user = user
    audit.record("expert.login_issued", obj=expert, actor=actor, detail={"login": login, "user_id": user.id})
    return user, password


def create_with_login(login: str, prefecture_name: str | None, display_name: str = "") -> tuple[User, str]:
    """`flask create-user --role expert --unit 株洲市`: the pool entry (its 所在市州 from --unit) and its login."""
    if not prefecture_name:
        raise ExpertError("评审专家账号必须用 --unit 指定专家所在市州（如 株洲市）。")
    text = unicodedata.normalize("NFKC", prefecture_name).strip()
    found = db.session.execute(db.select(Prefecture).where(Prefecture.name.contains(text))).scalars().all()
    if len(found) != 1:
        raise ExpertError(f"找不到唯一匹配“{prefecture_name}”的市州。")
    name = display_name or login
    expert = db.session.execute(db.select(Expert).filter_by(name=name, prefecture_adcode=found[0].adcode,
                                                            user_id=None).limit(1)).scalar_one_or_none()
    if expert is None:
        expert = Expert(name=name, employer="", prefecture=found[0], fields=[])
        db.session.add(expert)
        db.session.flush()
        audit.record("expert.create", obj=expert, detail={"name": name, "prefecture": found[0].adcode, "cli": True})
    return issue_login(expert, login, None)


def expert_of(user: User) -> Expert | None:
    if user.role is not Role.EXPERT:
        return None
    return db.session.execute(db.select(Expert).filter_by(user_id=user.id)).scalar_one_or_none()
