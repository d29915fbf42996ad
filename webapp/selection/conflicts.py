"""回避: which experts may not judge which application, and why (every exclusion carries its reason).

- an expert never judges an application from their own 市州 (the plan can switch this rule off);
- nor an enterprise whose credit code is that of the expert's 工作单位;
- nor an enterprise the expert declared a relation with (in the pool, or on opening an assignment);
- nor an application they already declared a conflict on;
- and an inactive entry, or one without a login, is not assigned at all.

Pure functions over small records, so that the automatic assignment can check thousands of pairs quickly.
"""
from dataclasses import dataclass

from webapp.core.extensions import db
from webapp.models import (
    Application, ApplicationLink, Assignment, AssignmentState, Campaign, Enterprise, Expert, ExpertRelation, Link,
    Prefecture, RecommendingUnit, ReviewPlan,
)


@dataclass(frozen=True)
class ExpertInfo:
    id: int
    name: str
    prefecture_adcode: str
    prefecture_name: str
    employer_code: str | None
    related_codes: frozenset[str]
    fields: frozenset[str]
    active: bool
    has_login: bool


@dataclass(frozen=True)
class Target:
    """What 回避 and matching read of an application."""
    id: int
    name: str
    prefecture_adcode: str
    prefecture_name: str
    codes: frozenset[str]            # the enterprise's credit code and the 组织机构代码 it filled in
    links: frozenset[str]            # the 环节 it claims, by name


def expert_infos(experts: list[Expert] | None = None) -> list[ExpertInfo]:
    if experts is None:
        experts = list(db.session.execute(db.select(Expert).order_by(Expert.id)).scalars())
    relations: dict[int, set[str]] = {}
    for expert_id, code in db.session.execute(db.select(ExpertRelation.expert_id, ExpertRelation.credit_code)):
        relations.setdefault(expert_id, set()).add(code)
    names = dict(db.session.execute(db.select(Prefecture.adcode, Prefecture.name)).all())
    return [ExpertInfo(e.id, e.name, e.prefecture_adcode, names.get(e.prefecture_adcode, ""), e.employer_credit_code,
                       frozenset(relations.get(e.id, ())), frozenset(e.fields or ()), e.active, e.user_id is not None)
            for e in experts]


def targets(applications: list[Application]) -> list[Target]:
    """Loaded in two queries whatever the number of applications."""
    ids = [a.id for a in applications]
    links: dict[int, set[str]] = {}
    for application_id, name in db.session.execute(
            db.select(ApplicationLink.application_id, Link.name).join(Link, Link.id == ApplicationLink.link_id)
            .where(ApplicationLink.application_id.in_(ids))):
        links.setdefault(application_id, set()).add(name)
    rows = dict((row[0], row[1:]) for row in db.session.execute(
        db.select(Application.id, RecommendingUnit.prefecture_adcode, Prefecture.name, Enterprise.credit_code)
        .join(RecommendingUnit, RecommendingUnit.id == Application.unit_id)
        .join(Prefecture, Prefecture.adcode == RecommendingUnit.prefecture_adcode)
        .join(Enterprise, Enterprise.id == Application.enterprise_id).where(Application.id.in_(ids))))
    out = []
    for application in applications:
        adcode, prefecture, credit_code = rows[application.id]
        codes = {credit_code} | ({application.org_code} if application.org_code else set())
        out.append(Target(application.id, application.company_name or "", adcode, prefecture, frozenset(codes),
                          frozenset(links.get(application.id, ()))))
    return out


def declined_pairs(campaign: Campaign) -> set[tuple[int, int]]:
    """(application, expert) pairs where the expert declared a conflict on opening the assignment."""
    return set(db.session.execute(db.select(Assignment.application_id, Assignment.expert_id).where(
        Assignment.campaign_id == campaign.id, Assignment.state == AssignmentState.DECLINED)).all())


@dataclass(frozen=True)
class Rules:
    """What 回避 reads of the review plan (a plain copy: the assignment checks it for every pair)."""
    avoid_same_prefecture: bool


def rules_of(plan: ReviewPlan) -> Rules:
    return Rules(plan.avoid_same_prefecture)


def allowed(expert: ExpertInfo, target: Target, rules: Rules, declined: set[tuple[int, int]]) -> bool:
    """`exclusions(...) == []`, without building the reasons (the automatic assignment asks for every pair)."""
    return (expert.active and expert.has_login
            and not (rules.avoid_same_prefecture and expert.prefecture_adcode == target.prefecture_adcode)
            and not (expert.employer_code and expert.employer_code in target.codes)
            and not (expert.related_codes and expert.related_codes & target.codes)
            and (target.id, expert.id) not in declined)


def exclusions(expert: ExpertInfo, target: Target, plan: ReviewPlan | Rules,
               declined: set[tuple[int, int]]) -> list[str]:
    """Why `expert` may not judge `target`; empty when they may."""
    reasons = []
    if not expert.active:
        reasons.append("专家已停用")
    if not expert.has_login:
        reasons.append("专家尚未开通登录账号")
    if plan.avoid_same_prefecture and expert.prefecture_adcode == target.prefecture_adcode:
        reasons.append(f"同一市州回避（专家与申报企业均在{target.prefecture_name}）")
    if expert.employer_code and expert.employer_code in target.codes:
        reasons.append("本单位回避（专家工作单位即申报企业）")
    if expert.related_codes & target.codes:
        reasons.append("专家声明与该企业存在关联关系")
    if (target.id, expert.id) in declined:
        reasons.append("专家已对该申报书声明回避")
    return reasons


def field_match(expert: ExpertInfo, target: Target) -> int:
    """How many of the 环节 the application claims the expert can judge."""
    return len(expert.fields & target.links)
