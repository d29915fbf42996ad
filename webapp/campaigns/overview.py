"""The province overview: counts per unit and state, per 申报类型, per 行业大类, per 环节 and 场景, and who has reported.
The province's count of recommendations is that of the reported lists (报送): a unit still deciding shows 未报送.

Every number comes from an aggregate query (GROUP BY); the number of queries does not depend on the number of
applications. The functions return plain data for the tables and the SVG charts.
"""
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func

from webapp.core.extensions import db
from webapp.models import (
    OWN_SCENARIO, RECOMMENDED_STATES, Application, ApplicationLink, ApplicationStatus, ApplicationType, Campaign,
    IndustryDivision, Link, RecommendingUnit, ReportStatus, Scenario, ScenarioCount, UnitQuota, UnitReport,
)
from webapp.core.timeutil import utcnow

TOP_INDUSTRIES = 10
UNSET = "未填写"


@dataclass
class Bar:
    """One bar of a chart: a label, a value and, for the tooltip, a longer description."""

    label: str
    value: int
    title: str = ""
    css: str = ""


@dataclass
class UnitRow:
    unit_id: int
    name: str
    short_name: str
    counts: dict[ApplicationStatus, int]
    total: int
    quota: dict[ApplicationType, int]
    recommended: dict[ApplicationType, int]
    reported_at: datetime | None = None
    returned_at: datetime | None = None
    report_state: str = "pending"      # reported | late | returned | pending | overdue

    @property
    def report_label(self) -> str:
        return REPORT_LABELS[self.report_state]

    @property
    def is_reported(self) -> bool:
        """The unit's list has been reported (报送): only then do its recommendations count for the province."""
        return self.report_state in REPORTED

    @property
    def reported_recommended(self) -> dict[ApplicationType, int]:
        """Its recommendations as the province counts them: those of a reported list, none otherwise."""
        return self.recommended if self.is_reported else {t: 0 for t in ApplicationType}


REPORT_LABELS = {"reported": "已报送", "late": "逾期报送", "returned": "已退回，待重新报送", "pending": "未报送",
                 "overdue": "逾期未报送"}
REPORTED = ("reported", "late")


@dataclass
class Overview:
    campaign: Campaign
    units: list[UnitRow]
    status_totals: dict[ApplicationStatus, int]
    total: int
    by_type: list[Bar]
    by_industry: list[Bar]
    by_link: list[Bar]
    by_scenario: list[Bar]
    own_scenarios: int
    unit_filter: int | None = None
    status_filter: ApplicationStatus | None = None
    industry_count: int = 0
    reported: list[UnitRow] = field(default_factory=list)
    not_reported: list[UnitRow] = field(default_factory=list)

    @property
    def reported_recommended(self) -> dict[ApplicationType, int]:
        """推荐 in the province's sense: the recommendations of reported lists only, by 申报类型."""
        return {t: sum(u.reported_recommended[t] for u in self.units) for t in ApplicationType}


def short_unit_name(unit: RecommendingUnit) -> str:
    """The prefecture's name (长沙市, 湘西土家族苗族自治州 → 湘西州), for chart labels."""
    name = unit.prefecture.name if unit.prefecture else unit.name.replace("工业和信息化局", "")
    return "湘西州" if name.startswith("湘西") else name


def build_overview(campaign: Campaign, unit_id: int | None = None, status: ApplicationStatus | None = None,
                   now: datetime | None = None) -> Overview:
    """All the overview's numbers for `campaign`, optionally only for one unit and/or one state."""
    scope = [Application.campaign_id == campaign.id]
    if unit_id:
        scope.append(Application.unit_id == unit_id)
    conditions = scope + ([Application.status == status] if status else [])

    units = _units(unit_id)
    # Grouped without the state filter, which is applied below: the quota use (已推荐) stays right whatever the filter.
    all_rows = db.session.execute(
        db.select(Application.unit_id, Application.status, Application.app_type, func.count())
        .where(*scope).group_by(Application.unit_id, Application.status, Application.app_type)).all()
    rows = [row for row in all_rows if status is None or row[1] is status]
    quotas = db.session.execute(
        db.select(UnitQuota.unit_id, UnitQuota.app_type, UnitQuota.quota).where(UnitQuota.campaign_id == campaign.id)
    ).all()
    reports = {r.unit_id: r for r in db.session.execute(
        db.select(UnitReport).where(UnitReport.campaign_id == campaign.id)).scalars()}

    unit_rows = _unit_rows(units, rows, all_rows, quotas, reports, campaign, now or utcnow())
    status_totals = {s: sum(r.counts[s] for r in unit_rows) for s in ApplicationStatus}
    by_type = _by_type(rows)
    industries, industry_count = _by_industry(conditions)
    links = _by_link(campaign, conditions)
    scenarios, own = _by_scenario(campaign, unit_id, status)
    overview = Overview(campaign=campaign, units=unit_rows, status_totals=status_totals,
                        total=sum(status_totals.values()), by_type=by_type, by_industry=industries, by_link=links,
                        by_scenario=scenarios, own_scenarios=own, unit_filter=unit_id, status_filter=status,
                        industry_count=industry_count)
    overview.reported = [u for u in unit_rows if u.is_reported]
    overview.not_reported = [u for u in unit_rows if not u.is_reported]
    return overview


def _units(unit_id: int | None) -> list[RecommendingUnit]:
    query = (db.select(RecommendingUnit).options(db.joinedload(RecommendingUnit.prefecture))
             .order_by(RecommendingUnit.prefecture_adcode))
    if unit_id:
        query = query.where(RecommendingUnit.id == unit_id)
    return list(db.session.execute(query).scalars())


def _unit_rows(units, rows, all_rows, quotas, reports, campaign: Campaign, now: datetime) -> list[UnitRow]:
    out = {}
    for unit in units:
        out[unit.id] = UnitRow(unit.id, unit.name, short_unit_name(unit), {s: 0 for s in ApplicationStatus}, 0,
                               quota={t: 0 for t in ApplicationType}, recommended={t: 0 for t in ApplicationType})
    for unit_id, state, _app_type, number in rows:
        if unit_id in out:
            out[unit_id].counts[state] += number
            out[unit_id].total += number
    for unit_id, state, app_type, number in all_rows:
        if unit_id in out and state in RECOMMENDED_STATES and app_type is not None:   # quota used, as review.report
            out[unit_id].recommended[app_type] += number
    for unit_id, app_type, number in quotas:
        if unit_id in out:
            out[unit_id].quota[app_type] = number
    for row in out.values():
        report = reports.get(row.unit_id)
        row.reported_at = report.reported_at if report else None
        row.returned_at = report.returned_at if report else None
        if report is not None and report.is_reported:
            row.report_state = "late" if row.reported_at > campaign.unit_deadline else "reported"
        elif report is not None and report.status is ReportStatus.RETURNED:
            row.report_state = "returned"
        else:
            row.report_state = "overdue" if now > campaign.unit_deadline else "pending"
    return list(out.values())


def _by_type(rows) -> list[Bar]:
    counts: dict[ApplicationType | None, int] = {t: 0 for t in ApplicationType}
    for _unit, _state, app_type, number in rows:
        counts[app_type] = counts.get(app_type, 0) + number
    bars = [Bar(t.label, counts[t], f"{t.label}：{counts[t]} 份", css=t.value) for t in ApplicationType]
    if counts.get(None):
        bars.append(Bar("未选择类型", counts[None], f"尚未选择申报类型的草稿：{counts[None]} 份", css="unset"))
    return bars


def _by_industry(conditions, top: int = TOP_INDUSTRIES) -> tuple[list[Bar], int]:
    """The `top` largest 行业大类, then one bar for all the others, then the applications without one."""
    rows = db.session.execute(
        db.select(Application.industry_division_code, IndustryDivision.name, func.count())
        .select_from(Application).outerjoin(IndustryDivision)
        .where(*conditions)
        .group_by(Application.industry_division_code, IndustryDivision.name)
        .order_by(func.count().desc(), Application.industry_division_code)).all()
    named = [(code, name, number) for code, name, number in rows if code]
    unset = sum(number for code, _name, number in rows if not code)
    bars = [Bar(f"{code} {name}", number, f"{code} {name}：{number} 份") for code, name, number in named[:top]]
    rest = named[top:]
    if rest:
        number = sum(n for _c, _n, n in rest)
        bars.append(Bar(f"其他（{len(rest)}个大类）", number,
                        "其他：" + "、".join(f"{c} {n}（{k}）" for c, n, k in rest), css="other"))
    if unset:
        bars.append(Bar(UNSET, unset, f"尚未填写所属行业：{unset} 份", css="unset"))
    return bars, len(named)


def _by_link(campaign: Campaign, conditions) -> list[Bar]:
    """How many applications claim each 环节 of the campaign's edition (zeros included)."""
    # (application, 环节) is unique, so counting rows counts applications (no DISTINCT: no temporary index).
    counts = dict(db.session.execute(
        db.select(ApplicationLink.link_id, func.count())
        .join(Application, Application.id == ApplicationLink.application_id)
        .where(*conditions).group_by(ApplicationLink.link_id)).all())
    links = db.session.execute(
        db.select(Link).where(Link.edition_id == campaign.edition_id).order_by(Link.no)).scalars()
    return [Bar(f"{link.no}. {link.name}", counts.get(link.id, 0),
                f"环节{link.no}“{link.name}”：{counts.get(link.id, 0)} 份申报书") for link in links]


def _by_scenario(campaign: Campaign, unit_id: int | None, status: ApplicationStatus | None) -> tuple[list[Bar], int]:
    """How many applications claim each 场景 of the guide; and how many own 场景 blocks there are. From the kept
    counts (webapp.campaigns.kept_counts): a few rows per unit and state instead of every 场景 block."""
    query = (db.select(ScenarioCount.scenario_id, func.sum(ScenarioCount.applications))
             .where(ScenarioCount.campaign_id == campaign.id).group_by(ScenarioCount.scenario_id))
    if unit_id:
        query = query.where(ScenarioCount.unit_id == unit_id)
    if status:
        query = query.where(ScenarioCount.status == status)
    counts = dict(db.session.execute(query).all())
    own = counts.pop(OWN_SCENARIO, 0)
    scenarios = db.session.execute(
        db.select(Scenario, Link.name).join(Link, Link.id == Scenario.link_id)
        .where(Scenario.edition_id == campaign.edition_id).order_by(Scenario.no)).all()
    bars = [Bar(f"{s.no}. {s.name}", counts.get(s.id, 0),
                f"场景{s.no}“{s.name}”（{link_name}）：{counts.get(s.id, 0)} 份申报书")
            for s, link_name in scenarios]
    return bars, own
