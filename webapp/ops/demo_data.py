"""Realistic applications built through the ORM: the demo command and the tests' factories use them.

    with app.app_context():
        enterprise = make_enterprise(db.session, name="湖南湘江智能装备股份有限公司")
        application = make_complete_application(db.session, enterprise=enterprise, campaign=current_campaign())

`make_complete_application` fills every field of 附件2 with plausible Chinese text of realistic length and
consistent numbers, so that the application passes the completeness and consistency rules:
- 近三年主要经济指标 for each of campaign.economic_years;
- 设备费 + 工业软件费 + 测试验证和项目咨询费 + 人员费用 = 企业近3年总投入 (标杆企业) or 车间近3年总投入 (标杆车间);
  近3年总投入 ≤ 总投入; 省产占比 ≤ 国产占比; 高级 + 中级 + 初级 + 其他 = 技术人员总数;
- `links` 环节 of the campaign's edition (生产作业 and the other production 环节 first), each with
  `scenarios_per_link` 场景: the guide's scenarios of that 环节 first, then own scenarios (scenario_id NULL);
- the seven items of every 场景 within the form's character limits (text_factor scales every text; the
  limits of 附件2 are never exceeded, so text_factor > 1 only lengthens the unlimited parts);
- list items of all three ListKind, the 14 indicators, the pledge, 二 to 七, and one or more proof files in
  each category of 八 (Attachment rows with plausible names; files written only with write_files);
- the trade in the enterprise's name (demo_trades) decides the industry, the products, workshops, equipment and
  technologies of the texts; the persons are the enterprise's own (demo_trades.person);
- unless `stamped` is False, the 盖章版 (定稿) and the scan of its stamped print, so that it can be submitted.

Everything is deterministic: the same arguments give the same texts and numbers. The functions flush and
never commit. Texts come from demo_texts.py, files and pictures (`add_solution_picture`, `make_png`) from demo_files.py.
"""
import random
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from functools import lru_cache

from flask import current_app
from sqlalchemy.orm import selectinload
from werkzeug.security import generate_password_hash

from webapp.accounts.operations import register_enterprise
from webapp.accounts.codes import check_character
from webapp.models import (
    Application, ApplicationLink, ApplicationScenario, ApplicationType, Campaign,
    EconomicYear, Enterprise, EnterpriseNature, FinalPrint, Link, ListItem, ListKind, User,
)
from webapp.core.timeutil import utcnow
from webapp.applications.final_print import print_state
from webapp.applications.finalize import final_blockers, make_final
from webapp.ops.demo_files import add_proof_files, add_solution_picture, add_stamped_scan
from webapp.ops.demo_diagrams import diagram
from webapp.ops.demo_texts import (
    EQUIPMENT, LIST_SENTENCES, LONG_SENTENCES, OWN_SCENARIOS, SCENARIO_SENTENCES, SUPPLIERS, SYSTEMS, compose,
    paragraphs,
)
from webapp.ops.demo_trades import DEFAULT, Trade, person, trade_of

PASSWORD = "Passw0rd!x-2024"
# Production-side 环节 first (by guide number): a realistic choice for a manufacturer.
LINK_PREFERENCE = [8, 3, 7, 9, 10, 2, 1, 6, 12, 11, 14, 15, 5, 13, 4, 16]
SCENARIO_LIMITS = {"description": 150, "pain_points": 150, "solution": 300, "safeguards": 150, "results": 200,
                   "other": 150}
SCENARIO_TARGETS = {"description": 130, "pain_points": 115, "solution": 250, "safeguards": 120, "results": 150,
                    "other": 100}


# ---------------------------------------------------------------- enterprise

def make_enterprise(session, name: str = "湖南湘江智能装备股份有限公司", county_adcode: str = "430104") -> Enterprise:
    """A registered enterprise with its applicant account (password PASSWORD), through register_enterprise.

    `session` must be the app's db.session (register_enterprise works on it).
    """
    serial = 700000 + session.query(Enterprise).count()
    while True:
        body = f"91{county_adcode}{serial:09d}"
        code = body + check_character(body)
        if session.query(Enterprise).filter_by(credit_code=code).first() is None:
            break
        serial += 1
    contact = person(name, "联系人")
    with _shared_password_hash():
        user = register_enterprise(name=name, credit_code=code, county_adcode=county_adcode, contact_name=contact.name,
                                   mobile=contact.mobile, password=PASSWORD)
    user.demo = True            # its password is published: never in production (ops/readiness.py)
    session.flush()
    return user.enterprise


@lru_cache(maxsize=4)
def _password_hash(method: str) -> str:
    return generate_password_hash(PASSWORD, method=method)


@contextmanager
def _shared_password_hash():
    """Every demo account has the same PASSWORD: hash it once per method (scrypt takes ~0.1 s of CPU) and give each
    account that hash, instead of hashing it again for every enterprise (the slowest step of `flask demo`)."""
    original = User.set_password

    def set_password(user: User, password: str) -> None:
        if password != PASSWORD:
            original(user, password)
            return
        user.password_hash = _password_hash(current_app.config.get("PASSWORD_HASH_METHOD", "scrypt"))
        user.password_changed_at = utcnow()

    User.set_password = set_password
    try:
        yield
    finally:
        User.set_password = original


def _trade_words(trade: Trade, rng: random.Random) -> dict:
    """The trade's words for the texts' placeholders."""
    return {"products": trade.products, "main": trade.main, "unit": trade.unit, "customers": trade.customers,
            "sector": trade.sector, "lab": trade.lab, "test_gear": trade.test_gear, "core_process": trade.core_process,
            "equip_list": "、".join(trade.equipment[:3]), "area2": rng.choice(trade.areas), "parts": trade.parts}


def _numbers(rng: random.Random, company: str, year: int) -> dict:
    return {"company": company, **_trade_words(trade_of(company), rng), "employees": rng.randint(1200, 2600), "engineers": rng.randint(180, 320),
            "graduates": rng.randint(500, 900), "senior": rng.randint(30, 60), "output": rng.randint(20, 60),
            "last_year": year - 1, "revenue": f"{rng.uniform(18, 40):.1f}", "profit": f"{rng.uniform(1, 4):.2f}",
            "assets": f"{rng.uniform(25, 60):.1f}", "share": rng.randint(8, 20), "growth": rng.randint(8, 20),
            "rd_ratio": f"{rng.uniform(3.5, 6):.1f}", "patents": rng.randint(150, 320),
            "inventions": rng.randint(20, 60),
            "copyrights": rng.randint(10, 40), "standards": rng.randint(2, 8), "industry_standards": rng.randint(3, 12),
            "it_staff": rng.randint(30, 80), "days": rng.randint(7, 15), "systems": rng.randint(8, 12),
            "suppliers": rng.randint(60, 150), "productivity": rng.randint(25, 40), "rd_cycle": rng.randint(20, 35),
            "defect": rng.randint(25, 45), "cost": rng.randint(12, 25), "energy": rng.randint(8, 18),
            "cnc": rng.randint(85, 95), "network": rng.randint(88, 98), "output_before": rng.randint(120, 160),
            "output_after": rng.randint(180, 240), "inventory": rng.randint(20, 40), "on_time": rng.randint(95, 99),
            "visits": rng.randint(50, 200), "partners": rng.randint(10, 40), "minutes": rng.randint(15, 40),
            "solutions": rng.randint(6, 12), "plan_invest": rng.randint(8000, 20000), "target_year": year + 2,
            "new_products": rng.randint(20, 60), "codes": rng.randint(12, 30), "oee_before": rng.randint(55, 65),
            "oee_after": rng.randint(75, 85), "days_before": rng.randint(7, 15), "days_after": rng.randint(2, 4)}


def _scenario_names(rng: random.Random, link_name: str, scene: str, trade: Trade = DEFAULT) -> dict:
    equipment = list(trade.equipment) * 2 + EQUIPMENT          # the trade's own equipment more often
    return {"link": link_name, "scene": scene, "area": rng.choice(trade.areas), "parts": trade.parts,
            "count": rng.randint(6, 40), "equip": rng.choice(equipment), "equip2": rng.choice(equipment),
            "system": rng.choice(SYSTEMS), "stations": rng.randint(8, 36), "kinds": rng.randint(3, 12),
            "hours": rng.randint(8, 48), "supplier": rng.choice(SUPPLIERS), "supplier2": rng.choice(SUPPLIERS),
            "docs": rng.randint(3, 9), "trainings": rng.randint(4, 12), "people": rng.randint(120, 600),
            "gain": rng.randint(18, 45), "before": f"{rng.uniform(93, 96):.1f}",
            "after": f"{rng.uniform(98, 99.8):.1f}",
            "staff_before": rng.randint(8, 16), "staff_after": rng.randint(2, 6), "capacity": rng.randint(15, 40),
            "minutes": rng.randint(5, 30), "loss": rng.randint(80, 600), "oee": rng.randint(8, 20),
            "saving": rng.randint(200, 1500), "plants": rng.randint(2, 5), "spread": rng.randint(5, 15),
            "partners": rng.randint(5, 30), "value": rng.randint(500, 3000), "payback": rng.randint(2, 5)}


# ---------------------------------------------------------------- application

def make_complete_application(session, *, enterprise: Enterprise, campaign: Campaign,
                              app_type: ApplicationType = ApplicationType.ENTERPRISE, links: int = 8,
                              scenarios_per_link: int = 2, text_factor: float = 1.0,
                              write_files: bool = False, stamped: bool = True, pictures: int = 0) -> Application:
    """A complete application of `enterprise` for `campaign` (status 草稿, version 0, 申报日期 unset); flushed.
    With `stamped`, its 盖章版 is generated and the scan of the stamped print uploaded, so it can be submitted;
    `pictures` 场景 get a generated diagram for their 技术方案 (the Word file shows them)."""
    rng = random.Random(f"{enterprise.credit_code}-{app_type.value}-{links}-{scenarios_per_link}-{text_factor}")
    names = _numbers(rng, enterprise.name, campaign.year)
    application = Application(campaign=campaign, enterprise=enterprise, unit_id=enterprise.unit_id,
                              edition_id=campaign.edition_id, app_type=app_type)
    trade = trade_of(enterprise.name)
    _fill_basic(application, enterprise, rng, trade)
    _fill_economy(application, campaign, rng)
    _fill_investment(application, app_type, trade)
    _fill_texts(application, rng, names, text_factor, trade)
    session.add(application)
    _add_lists(application, rng, text_factor, trade)
    _add_links(session, application, campaign, links, scenarios_per_link, text_factor, trade)
    session.flush()
    add_proof_files(session, application, write_files)
    for app_scenario in [s for link in application.links for s in link.scenarios][:pictures]:
        add_solution_picture(session, app_scenario, diagram(app_scenario.id), name="技术方案架构图.png",
                             write_file=write_files)
    session.flush()
    if stamped:
        stamp(session, application, write_files)
    return application


def stamp(session, application: Application, write_files: bool) -> FinalPrint | None:
    """定稿 and the scan of the stamped print, as the enterprise does before submitting; nothing while something
    else is still missing (an application made incomplete on purpose)."""
    state = print_state(application)
    if state.current:
        return state.final
    if final_blockers(application):
        return None
    final = make_final(application, application.enterprise.users[0])
    add_stamped_scan(session, application, final, write_files)
    return final


def _fill_basic(a: Application, enterprise: Enterprise, rng: random.Random, trade: Trade) -> None:
    short = enterprise.name.replace("湖南", "").replace("股份有限公司", "").replace("集团有限公司", "")
    short = short.replace("科技有限公司", "").replace("有限公司", "")
    a.project_name = f"{short}{trade.main}智能工厂建设项目"
    a.company_name, a.org_code, a.founded_on = enterprise.name, enterprise.credit_code, date(2006, 4, 18)
    a.nature, a.industry_division_code, a.industry_group_code = EnterpriseNature.PRIVATE, trade.division, trade.group
    county = enterprise.county
    a.county_adcode = county.adcode
    a.address = f"湖南省{county.prefecture.name}{county.name}智造大道{rng.randint(100, 999)}号"
    boss, contact = person(enterprise.name, "法人代表"), person(enterprise.name, "联系人")
    domain = f"{trade.pinyin}{enterprise.credit_code[-6:-1].lower()}.com.cn"
    a.legal_rep_name, a.legal_rep_title, a.legal_rep_mobile = boss.name, "董事长", boss.mobile
    a.legal_rep_email = f"{boss.pinyin}@{domain}"
    a.contact_name, a.contact_title, a.contact_mobile = contact.name, "智能制造部部长", contact.mobile
    a.contact_email = f"{contact.pinyin}@{domain}"
    a.honour_national_pilot = a.honour_national_demo_factory = a.honour_hunan_demo_workshop = False
    a.honour_national_standard_project = a.honour_hunan_demo_enterprise = True
    a.honour_integration_certified = a.honour_maturity_certified = a.honour_other = True
    a.maturity_level, a.honour_other_text = 3, "湖南省“上云上平台”标杆企业"
    a.major_accident = False
    a.staff_senior, a.staff_intermediate, a.staff_junior, a.staff_other = 28, 64, 57, 37
    a.staff_total = 28 + 64 + 57 + 37
    a.domestic_share, a.provincial_share = Decimal("82.5"), Decimal("36.8")
    a.pledge_legal_rep, a.pledge_agreed = a.legal_rep_name, True
    effects = {"cnc_rate": "86.5", "network_rate": "92.3", "productivity": "32.6", "resource_use": "12.4",
               "rd_cycle": "28.5", "operating_cost": "18.2", "defect_rate": "35.7", "staff_optimised": "24",
               "equipment_use": "21.3", "inventory_turnover": "27.8", "on_time_delivery": "15.6",
               "order_cycle": "30.2", "logistics_cost": "8.4", "land_use": "16.5"}
    for key, value in effects.items():
        setattr(a, f"eff_{key}", Decimal(value))


def _fill_economy(a: Application, campaign: Campaign, rng: random.Random) -> None:
    assets, revenue = Decimal(rng.randint(250000, 320000)), Decimal(rng.randint(180000, 220000))
    for step, year in enumerate(campaign.economic_years):
        growth = Decimal(1) + Decimal(step) * Decimal("0.12")
        a.economic_years.append(EconomicYear(
            year=year, total_assets=(assets * growth).quantize(Decimal("0.01")),
            debt_ratio=Decimal("52.30") - step * Decimal("2.15"),
            revenue=(revenue * growth + Decimal("0.45")).quantize(Decimal("0.01")),
            taxes=(revenue * growth * Decimal("0.046")).quantize(Decimal("0.01")),
            profit=(revenue * growth * Decimal("0.065")).quantize(Decimal("0.01"))))


def _fill_investment(a: Application, app_type: ApplicationType, trade: Trade) -> None:
    """The four costs add up to the 3-year total of the enterprise (标杆企业) or of the workshop (标杆车间)."""
    a.invest_total, a.invest_3y = Decimal("38650.00"), Decimal("21480.50")
    if app_type is ApplicationType.WORKSHOP:
        a.workshop_name = trade.workshop
        a.workshop_invest_total, a.workshop_invest_3y = Decimal("9860.00"), Decimal("6420.80")
        costs = ("4120.50", "1260.30", "390.00", "650.00")
    else:
        costs = ("13200.30", "4310.20", "1270.00", "2700.00")
    a.cost_equipment, a.cost_software, a.cost_testing, a.cost_personnel = (Decimal(c) for c in costs)


def _fill_texts(a: Application, rng: random.Random, names: dict, factor: float, trade: Trade) -> None:
    targets = {"overview_company": 520, "overview_technology": 350, "overview_advantages": 290, "integration": 380,
               "outcomes": 230, "influence": 165, "advancement": 145, "demonstration": 130, "next_steps": 160,
               "lessons": 165}
    for key, target in targets.items():
        setattr(a, key, paragraphs(rng, LONG_SENTENCES[key], int(target * factor), **names))
    a.profile = compose(rng, LONG_SENTENCES["profile"], int(360 * factor), 500, **names)
    a.support_institutions = f"湖南省企业技术中心（省级）、{trade.lab}（省级）"
    a.partners = ("产学研合作单位：中南大学、湖南大学、长沙理工大学；智能制造供应商：" + "、".join(SUPPLIERS[:6]))
    a.eff_other = "单位产值综合能耗下降12.6%，年减少二氧化碳排放约3800吨；客户投诉率下降41%。"


def _add_lists(a: Application, rng: random.Random, factor: float, trade: Trade) -> None:
    for kind, sentences in LIST_SENTENCES.items():
        if kind is ListKind.KEY_TECHNOLOGY:
            sentences = list(trade.key_techs) + sentences
        for position, text in enumerate(sentences[:max(2, round(len(sentences) * min(factor, 1.0)))], start=1):
            a.list_items.append(ListItem(kind=kind, position=position, text=text + "。"))


def _chosen_links(session, campaign: Campaign, count: int) -> list[Link]:
    # The edition's 环节 in order of preference, looked up once per session (the demo builds thousands in a row).
    cache = session.info.setdefault("demo_data.link_order", {})
    if campaign.edition_id not in cache:
        by_no = {link.no: link.id for link in session.query(Link).options(selectinload(Link.scenarios))
                 .filter_by(edition_id=campaign.edition_id)}
        cache[campaign.edition_id] = ([by_no[no] for no in LINK_PREFERENCE if no in by_no]
                                      + [by_no[no] for no in sorted(set(by_no) - set(LINK_PREFERENCE))])
    links = [session.get(Link, link_id) for link_id in cache[campaign.edition_id][:count]]
    return sorted(links, key=lambda link: link.no)


def _add_links(session, a: Application, campaign: Campaign, count: int, per_link: int, factor: float,
               trade: Trade) -> None:
    for position, link in enumerate(_chosen_links(session, campaign, count), start=1):
        app_link = ApplicationLink(link=link, position=position)
        for index in range(per_link):
            guide = link.scenarios[index] if index < len(link.scenarios) else None
            app_link.scenarios.append(_scenario(link, guide, index, factor, trade))
        a.links.append(app_link)


def _scenario(link: Link, guide, index: int, factor: float, trade: Trade) -> ApplicationScenario:
    rng = random.Random(f"{link.no}-{index}-{factor}-{trade.word}")
    own = OWN_SCENARIOS.get(link.no, [f"{link.name}数字化管理"])
    scene = guide.name if guide else own[(index - len(link.scenarios)) % len(own)].format(main=trade.main)
    names = _scenario_names(rng, link.name, scene, trade)
    texts = {key: compose(rng, SCENARIO_SENTENCES[key], int(SCENARIO_TARGETS[key] * factor), limit, **names)
             for key, limit in SCENARIO_LIMITS.items()}
    name = f"{names['area']}{scene}" if guide else scene
    return ApplicationScenario(scenario=guide, position=index + 1, name=name[:100], **texts)


