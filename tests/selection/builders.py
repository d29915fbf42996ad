"""Builders of the province's selection for tests: reported lists, a plan, experts, assignments and scores, made
through the domain functions where the state matters (so the state table and the audit trail are exercised)."""
import io
from datetime import timedelta
from decimal import Decimal

from webapp.campaigns.lookup import current_campaign
from webapp.core.extensions import db
from webapp.core.timeutil import local_today, utcnow
from webapp.models import (
    Application, ApplicationType, Assignment, AssignmentState, CriterionScore, Expert, LetterScan, Role,
    ReportStatus, ScoreCard, SiteVisitKind, UnitReport, User,
)
from webapp.ops.demo_data import make_complete_application, make_enterprise
from webapp.ops.demo_files import minimal_pdf
from webapp.review.decisions import decide
from webapp.applications.lifecycle import submit_application
from webapp.selection.experts import ExpertValues, add_relation, issue_login, save_expert
from webapp.selection.files import store_file
from webapp.selection.plan import create_plan, get_plan
from webapp.selection.site_visits import add_file, mark

from tests.conftest import make_credit_code

COUNTY_OF = {"长沙市": "430104", "株洲市": "430202", "湘潭市": "430302", "衡阳市": "430405", "岳阳市": "430602",
             "常德市": "430702", "郴州市": "431002"}
PREFECTURE_OF = {"长沙市": "430100", "株洲市": "430200", "湘潭市": "430300", "衡阳市": "430400", "岳阳市": "430600",
                 "常德市": "430700", "郴州市": "431000"}


def user(login: str) -> User:
    return db.session.execute(db.select(User).filter_by(login=login)).scalar_one()


def staff(role: Role, unit_id: int | None = None) -> User:
    """Any account of the role (of the unit), made when missing."""
    query = db.select(User).filter_by(role=role)
    if unit_id is not None:
        query = query.filter_by(unit_id=unit_id)
    found = db.session.execute(query.order_by(User.id).limit(1)).scalar_one_or_none()
    if found is None:
        found = User(login=f"{role.value}-{unit_id or 0}-builder", role=role, unit_id=unit_id, display_name="测试")
        found.set_password("Passw0rd!x")
        db.session.add(found)
        db.session.flush()
    return found


def recommended(name: str, city: str = "长沙市", app_type=ApplicationType.ENTERPRISE, **changes) -> Application:
    """A complete application of an enterprise in `city`, submitted and recommended by its unit."""
    enterprise = make_enterprise(db.session, name=name, county_adcode=COUNTY_OF[city])
    application = make_complete_application(db.session, enterprise=enterprise, campaign=current_campaign(),
                                             app_type=app_type, write_files=True,
                                             links=8 if app_type is ApplicationType.ENTERPRISE else 4,
                                             scenarios_per_link=2)
    for key, value in changes.items():
        setattr(application, key, value)
    submit_application(application, enterprise.users[0])
    # A unit that has reported already: its list is opened for this one decision (tests build lists one by one).
    reported = db.session.execute(db.select(UnitReport).filter_by(
        campaign_id=application.campaign_id, unit_id=application.unit_id)).scalar_one_or_none()
    held = reported if reported is not None and reported.is_reported else None
    if held is not None:
        held.status = ReportStatus.DRAFT
    decide(application, "recommend", staff(Role.RECOMMENDER, application.unit_id), f"{name}推荐意见。")
    if held is not None:
        held.status = ReportStatus.REPORTED
    return application


def report(application: Application) -> UnitReport:
    """Mark the application's unit list as reported (报送), as if its letter had been uploaded."""
    row = db.session.execute(db.select(UnitReport).filter_by(campaign_id=application.campaign_id,
                                                             unit_id=application.unit_id)).scalar_one_or_none()
    if row is None:
        row = UnitReport(campaign_id=application.campaign_id, unit_id=application.unit_id)
        db.session.add(row)
    row.status, row.reported_at, row.fill_date = ReportStatus.REPORTED, utcnow(), local_today()
    db.session.flush()
    return row


def letter_scan(row: UnitReport, fingerprint: str = "0123456789ab") -> LetterScan:
    stored = store_file(io.BytesIO(minimal_pdf("推荐函")), "推荐函扫描件.pdf")
    scan = LetterScan(report=row, fingerprint=fingerprint, **stored.columns())
    db.session.add(scan)
    db.session.flush()
    return scan


def expert(name: str, city: str, *, employer_code: str | None = None, fields=("生产作业", "质量管控"),
           login: str | None = None, active: bool = True) -> Expert:
    admin = staff(Role.ADMIN)
    entry = save_expert(None, ExpertValues(name=name, employer=f"{city}某研究院", employer_credit_code=employer_code,
                                           prefecture_adcode=PREFECTURE_OF[city], title="教授级高级工程师",
                                           fields=list(fields), active=active), admin)
    issue_login(entry, login or f"exp{entry.id:04d}", None)
    return entry


def plan_for(campaign=None, **settings):
    campaign = campaign or current_campaign()
    plan = get_plan(campaign) or create_plan(campaign, staff(Role.ADMIN))
    for key, value in settings.items():
        setattr(plan, key, value)
    db.session.flush()
    return plan


def assign(application: Application, entry: Expert, *, opened: bool = True) -> Assignment:
    row = Assignment(campaign_id=application.campaign_id, application=application, expert=entry,
                     state=AssignmentState.ACTIVE, confirmed_at=utcnow(), opened_at=utcnow() if opened else None)
    db.session.add(row)
    db.session.flush()
    return row


def scored(row: Assignment, values: list, *, gates: bool = True, submitted: bool = True,
           comment: str = "评语") -> ScoreCard:
    """A card with `values` for the scored criteria in order, every gate 是 (or 否 with gates=False)."""
    sheet = get_plan(row.application.campaign).sheet_for(row.application.app_type)
    card = ScoreCard(opinion="专家意见", updated_at=utcnow())
    row.card = card
    for criterion, value in zip(sheet.scored, values):
        card.scores.append(CriterionScore(criterion_id=criterion.id, value=Decimal(str(value)), comment=comment))
    for criterion in sheet.gates:
        card.scores.append(CriterionScore(criterion_id=criterion.id, gate_passed=gates, comment=comment))
    card.vetoed = not gates
    card.total = Decimal(0) if not gates else sum((Decimal(str(v)) for v in values), Decimal(0))
    card.submitted_at = utcnow() if submitted else None
    db.session.add(card)
    db.session.flush()
    return card


def review_world(application: Application, expert_login: str) -> dict:
    """What the access test needs of A's application in the selection: a plan, an assignment of A to the expert
    (opened, one score saved), a declared relation, a letter scan of A's unit and a 现场核查 with a file."""
    plan = plan_for(application.campaign)
    entry = db.session.execute(db.select(Expert).join(User, User.id == Expert.user_id)
                               .where(User.login == expert_login)).scalar_one()
    relation = add_relation(entry, make_credit_code("430202", 987), "曾在该企业任职", staff(Role.ADMIN))
    row = assign(application, entry)
    criterion = plan.sheet_for(application.app_type).criteria[0]
    card = ScoreCard(updated_at=utcnow(), total=Decimal(30))
    row.card = card
    card.scores.append(CriterionScore(criterion_id=criterion.id, value=Decimal(30)))
    unit_report = UnitReport(campaign_id=application.campaign_id, unit_id=application.unit_id)
    db.session.add(unit_report)
    db.session.flush()
    scan = letter_scan(unit_report)
    visit = mark(application, SiteVisitKind.INSPECTION, staff(Role.ADMIN))
    file = add_file(visit, io.BytesIO(minimal_pdf("现场核查纪要")), "现场核查纪要.pdf", staff(Role.ADMIN))
    db.session.flush()
    return {"expert_id": [entry.id], "relation_id": [relation.id], "criterion_id": [criterion.id],
            "assignment_id": [row.id], "card_id": [card.id], "scan_id": [scan.id], "file_id": [file.id],
            "section": [f"c{criterion.id}"], "app_type": [ApplicationType.ENTERPRISE.value]}


def due(days: int = 7):
    return local_today() + timedelta(days=days)

