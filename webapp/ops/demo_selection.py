"""The demo's last year's campaign, through its whole life so that every page of the selection has realistic data:
applications recommended by four units with their 推荐意见, the lists reported with stamped 推荐函, 形式审查 (one
补正 asked and answered, one 不通过), an expert pool in several prefectures, the review plan, assignments with
回避 (and one expert declaring a conflict), submitted score sheets with some disagreement, one 现场核查, a ranking.

Everything goes through the domain functions (state table, audit trail), deterministically for a given seed.
"""
import io
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from webapp.accounts.passwords import generate_one_time_password
from webapp.applications.lifecycle import submit_application
from webapp.campaigns.lookup import create_campaign
from webapp.core.extensions import db
from webapp.core.timeutil import from_local, local_today
from webapp.models import (
    Application, ApplicationStatus as S, ApplicationType, Assignment, AssignmentState, Campaign,
    County, RecommendingUnit, Role, SiteVisitKind, User,
)
from webapp.ops.demo_data import make_complete_application, make_enterprise, stamp
from webapp.ops.demo_files import minimal_pdf
from webapp.ops.demo_texts import OPINIONS
from webapp.ops.demo_experts import make_experts
from webapp.ops.demo_recognition import Recognition, on_day, recognise_last_year
from webapp.review.letter import upload_scan
from webapp.review.decisions import decide
from webapp.review.report import lock_unit_list, submit_report
from webapp.selection.assignment import confirm, propose
from webapp.selection.assignment_manual import decline, open_assignment, refill
from webapp.selection.corrections import submit_correction
from webapp.selection.form_check import fail_form_check, pass_form_check, request_correction
from webapp.selection.plan import create_plan
from webapp.selection.scoring import OPINION, Posted, save_sections, section_key, submit_card
from webapp.selection.site_visits import VisitResult, add_file, mark, record_result

# (unit, county, [(name, type)]) of last year's applications: three per unit.
APPLICANTS = [
    ("长沙市", "430104", [("湖南麓谷精工装备股份有限公司", "enterprise"), ("长沙星城智能电气有限公司", "enterprise"),
                        ("湖南岳麓新材料科技有限公司", "workshop")]),
    ("株洲市", "430211", [("株洲湘江轨道装备股份有限公司", "enterprise"), ("株洲荷塘硬质合金有限公司", "enterprise"),
                        ("株洲天元航空部件有限公司", "workshop")]),
    ("湘潭市", "430304", [("湘潭钢城特种钢材股份有限公司", "enterprise"), ("湘潭九华电机有限公司", "workshop"),
                        ("湖南湘潭风电装备有限公司", "enterprise")]),
    ("衡阳市", "430408", [("衡阳雁城输变电装备股份有限公司", "enterprise"), ("衡阳蒸湘管业有限公司", "workshop"),
                        ("湖南衡岳化工股份有限公司", "enterprise")]),
]
INDUSTRIES = [("35", "351"), ("38", "381"), ("26", "261"), ("37", "371"), ("32", "321"), ("34", "341"),
              ("31", "311"), ("38", "381"), ("34", "341"), ("38", "381"), ("36", "366"), ("26", "261")]


@dataclass
class LastYear:
    campaign: Campaign
    applications: int
    experts: int
    cards: int
    expert_login: str | None = None
    expert_password: str | None = None
    recognition: Recognition | None = None


def create_last_year(current: Campaign, *, seed: int = 2024, write_files: bool = True,
                     recognised: bool = True) -> LastYear | None:
    """Build year-1's campaign once (None when it exists already), each step on the date it would have happened:
    through the expert review, then (`recognised`) the 公示 and the 认定 (demo_recognition)."""
    year = current.year - 1
    if db.session.execute(db.select(Campaign.id).filter_by(year=year)).first():
        return None
    rng = random.Random(seed)
    with on_day(year, 9, 1):
        campaign = create_campaign(year=year, title=f"{year}年湖南省智能制造标杆申报", edition=current.edition,
                                   enterprise_deadline=from_local(datetime(year, 9, 30, 17, 0)),
                                   unit_deadline=from_local(datetime(year, 10, 20, 17, 0)), make_current=False)
        admin = _staff(Role.ADMIN, None, "demo-admin", "省工信厅演示管理员")
    applications = _recommend_and_report(campaign, write_files)
    with on_day(year, 10, 24):
        _form_check(applications, admin, write_files)
    with on_day(year, 11, 3):
        experts, login, password = make_experts(rng, applications, admin)
        plan = create_plan(campaign, admin)
        plan.deadline = from_local(datetime(year, 11, 30, 17, 0))
        db.session.flush()
    cards = _review(campaign, plan, admin, rng)
    with on_day(year, 11, 26):
        _site_visit(campaign, admin)
    campaign.is_open = False
    recognition = recognise_last_year(campaign, admin) if recognised else None
    db.session.commit()
    return LastYear(campaign, len(applications), len(experts), cards, login, password, recognition)


def _staff(role: Role, unit_id: int | None, login: str, name: str) -> User:
    query = db.select(User).filter_by(role=role)
    if unit_id is not None:
        query = query.filter_by(unit_id=unit_id)
    user = db.session.execute(query.order_by(User.id).limit(1)).scalar_one_or_none()
    if user is None:
        user = User(login=login, role=role, unit_id=unit_id, display_name=name, active=False)
        user.set_password(generate_one_time_password())
        db.session.add(user)
        db.session.flush()
    return user


def _recommend_and_report(campaign: Campaign, write_files: bool) -> list[Application]:
    """Each unit recommends its three applications (with 推荐意见), uploads the stamped 推荐函 and reports."""
    made = []
    for city, county, entries in APPLICANTS:
        unit = db.session.execute(db.select(RecommendingUnit).join(County, County.prefecture_adcode
                                                                   == RecommendingUnit.prefecture_adcode)
                                  .where(County.adcode == county)).scalar_one()
        reviewer = _staff(Role.RECOMMENDER, unit.id, f"demo-reviewer-{unit.prefecture_adcode}", f"{city}演示审核员")
        for number, (name, kind) in enumerate(entries):
            with on_day(campaign.year, 9, 10 + len(made), 10):
                application = _apply(campaign, name, ApplicationType(kind), county, INDUSTRIES[len(made)], write_files)
            with on_day(campaign.year, 10, 8 + number):
                decide(application, "recommend", reviewer, OPINIONS[number % len(OPINIONS)])
            made.append(application)
        with on_day(campaign.year, 10, 15, 15):
            report = lock_unit_list(campaign.id, unit.id)
            report.fill_date = local_today()
            upload_scan(report, unit, reviewer, io.BytesIO(minimal_pdf(f"{unit.name}推荐函（盖章）")),
                        f"{unit.name}推荐函（盖章）.pdf", None)
            submit_report(campaign, unit.id, reviewer)
            db.session.flush()
    return made


def _apply(campaign: Campaign, name: str, app_type: ApplicationType, county: str, industry: tuple[str, str],
           write_files: bool) -> Application:
    """An enterprise writes, stamps and submits its application (in September)."""
    enterprise = make_enterprise(db.session, name=name, county_adcode=county)
    application = make_complete_application(
        db.session, enterprise=enterprise, campaign=campaign, app_type=app_type, write_files=write_files,
        links=9 if app_type is ApplicationType.ENTERPRISE else 5, scenarios_per_link=2)
    application.industry_division_code, application.industry_group_code = industry
    db.session.flush()
    db.session.expire(application, ["industry_division", "industry_group"])    # printed on the 盖章版
    stamp(db.session, application, write_files)
    submit_application(application, enterprise.users[0])
    return application


def _form_check(applications: list[Application], admin: User, write_files: bool) -> None:
    """All pass, except one 补正 (asked, answered with a new 盖章版, then passed) and one 不通过."""
    corrected, failed = applications[1], applications[-1]
    for application in applications:
        if application is failed:
            fail_form_check(application, admin, "经济指标或投入未达到申报门槛",
                            "近三年智能制造投入的专项审计报告金额与申报书不一致，且低于申报门槛。")
        elif application is corrected:
            _correct(application, admin, write_files)
        else:
            pass_form_check(application, admin)


def _correct(application: Application, admin: User, write_files: bool) -> None:
    request_correction(application, admin, "请核对国产软硬件投资占比，并补充说明计算口径。",
                       {"investment": "国产、省产软硬件投资占比与设备软件清单不一致，请核对后修改。"},
                       local_today() + timedelta(days=7))
    db.session.flush()
    user = application.enterprise.users[0]
    with on_day(application.campaign.year, 10, 28, 16):
        application.domestic_share = Decimal("84.20")
        stamp(db.session, application, write_files)        # the changed content: a new 盖章版 (第2版) and its scan
        submit_correction(application, user, "已按设备软件清单重新核算国产软硬件投资占比。")
    with on_day(application.campaign.year, 10, 30):
        pass_form_check(application, admin)


def _review(campaign: Campaign, plan, admin: User, rng: random.Random) -> int:
    """Propose and confirm; one expert declares a conflict and the application is refilled; everyone scores."""
    with on_day(campaign.year, 11, 5):
        propose(campaign, plan, admin)
        confirm(campaign, admin)
    declining = _active(campaign)[0]
    with on_day(campaign.year, 11, 6):
        decline(declining, declining.expert.user, "本人近三年为该企业的智能制造项目提供过咨询服务。")
        db.session.flush()
        refill(declining.application, plan, admin)
    cards = 0
    for index, row in enumerate(_active(campaign)):
        with on_day(campaign.year, 11, 10 + index % 15, 14):
            _score(row, plan, rng, index)
        cards += 1
    return cards


def _active(campaign: Campaign):
    return list(db.session.execute(db.select(Assignment).filter_by(campaign_id=campaign.id,
                                                                   state=AssignmentState.ACTIVE)
                                   .order_by(Assignment.application_id, Assignment.id)).scalars())


def _score(row, plan, rng: random.Random, index: int) -> None:
    """Scores around a level per application; the second application's experts disagree widely."""
    user = row.expert.user
    open_assignment(row, user)
    sheet = plan.sheet_for(row.application.app_type)
    level = 0.6 + 0.3 * ((row.application_id * 7) % 10) / 10
    spread = 0.35 if row.application_id % 5 == 2 else 0.08
    posted = {}
    for criterion in sheet.scored:
        share = min(1.0, max(0.2, level + rng.uniform(-spread, spread)))
        value = (criterion.max_score * Decimal(str(round(share, 2)))).quantize(Decimal("0.5"))
        posted[section_key(criterion)] = Posted(str(value), f"{criterion.name}：{_comment(share)}")
    for criterion in sheet.gates:
        posted[section_key(criterion)] = Posted("yes", "符合。")
    posted[OPINION] = Posted("", "申报材料完整，智能制造实施内容具体，成效数据较充分。建议"
                                 + ("列入拟认定名单。" if level > 0.75 else "进一步补充量化成效后再评估。"))
    save_sections(row, sheet, user, posted)
    submit_card(row, sheet, plan, user)


def _comment(share: float) -> str:
    if share >= 0.85:
        return "覆盖全面、水平领先，数据充分。"
    if share >= 0.7:
        return "实施较好，部分指标缺少对比数据。"
    return "实施内容偏少，证明材料不够充分。"


def _site_visit(campaign: Campaign, admin: User) -> None:
    application = db.session.execute(db.select(Application).filter_by(campaign_id=campaign.id,
                                                                      status=S.UNDER_REVIEW)
                                     .order_by(Application.id).limit(1)).scalar_one()
    visit = mark(application, SiteVisitKind.INSPECTION, admin)
    record_result(visit, VisitResult(local_today(), "省工信厅智能制造处、评审专家组3人",
                                     "现场查看了智能产线和数据平台，设备联网和数据采集情况与申报材料一致。", True), admin)
    add_file(visit, io.BytesIO(minimal_pdf("现场核查纪要")), "现场核查纪要.pdf", admin)

