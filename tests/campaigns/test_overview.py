"""The province overview: its numbers equal direct counts from the database, in a constant number of queries,
and its charts are accessible SVG without inline styles or scripts."""
import re
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import event

from webapp.campaigns.lookup import current_campaign
from webapp.core.extensions import db
from webapp.models import (
    Application, ApplicationStatus, ApplicationType, County, Link, RecommendingUnit, ReportStatus, Scenario, UnitReport,
)
from webapp.campaigns.overview import build_overview
from webapp.core.timeutil import utcnow

from tests.conftest import text
from tests.factories import make_complete_application, make_enterprise

STATES = [ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED, ApplicationStatus.RECOMMENDED,
          ApplicationStatus.RETURNED, ApplicationStatus.NOT_RECOMMENDED, ApplicationStatus.SUBMITTED]
INDUSTRIES = ["35", "34", "39", "13", None]
PREFECTURES = ["430100", "430200", "430300"]          # 长沙, 株洲, 湘潭


def county_of(prefecture: str) -> str:
    return db.session.execute(db.select(County.adcode).filter_by(prefecture_adcode=prefecture)
                              .order_by(County.adcode)).scalars().first()


def build_applications(count: int, prefix: str = "湖南样本") -> None:
    """`count` applications spread over three units, both types, five states, several industries and 环节."""
    campaign = current_campaign()
    counties = [county_of(p) for p in PREFECTURES]
    for index in range(count):
        enterprise = make_enterprise(db.session, name=f"{prefix}智能制造有限公司{index:02d}",
                                     county_adcode=counties[index % 3])
        app_type = ApplicationType.WORKSHOP if index % 4 == 1 else ApplicationType.ENTERPRISE
        application = make_complete_application(db.session, enterprise=enterprise, campaign=campaign,
                                                app_type=app_type, links=4 + index % 6,
                                                scenarios_per_link=1 + index % 3)
        application.status = STATES[index % len(STATES)]
        application.industry_division_code = INDUSTRIES[index % len(INDUSTRIES)]
        application.industry_group_code = None
    db.session.commit()


def direct_counts(campaign, unit_id=None, status=None) -> dict:
    """The same numbers, computed by walking the ORM objects in Python."""
    apps = [a for a in db.session.execute(db.select(Application).filter_by(campaign_id=campaign.id)).scalars()
            if (unit_id is None or a.unit_id == unit_id) and (status is None or a.status is status)]
    links, scenarios, own = Counter(), Counter(), 0
    for a in apps:
        for app_link in a.links:
            links[app_link.link_id] += 1
            claimed = {s.scenario_id for s in app_link.scenarios if s.scenario_id}
            scenarios.update(claimed)
            own += sum(1 for s in app_link.scenarios if s.scenario_id is None)
    return {
        "unit_state": Counter((a.unit_id, a.status) for a in apps),
        "type": Counter(a.app_type for a in apps),
        "industry": Counter(a.industry_division_code for a in apps),
        "links": links, "scenarios": scenarios, "own": own, "total": len(apps),
    }


def test_numbers_equal_direct_counts(app):
    with app.app_context():
        build_applications(12)
        campaign = current_campaign()
        data = build_overview(campaign)
        expected = direct_counts(campaign)
        assert data.total == expected["total"] == 12
        assert len(data.units) == 14
        for row in data.units:
            for state in ApplicationStatus:
                assert row.counts[state] == expected["unit_state"][(row.unit_id, state)]
            assert row.total == sum(expected["unit_state"][(row.unit_id, s)] for s in ApplicationStatus)
        assert sum(1 for row in data.units if row.total) == 3
        assert {bar.label: bar.value for bar in data.by_type} == {t.label: expected["type"][t] for t in ApplicationType}
        industries = {bar.label.split()[0]: bar.value for bar in data.by_industry}
        assert industries.pop("未填写") == expected["industry"][None]
        assert industries == {code: n for code, n in expected["industry"].items() if code}
        links = db.session.execute(
            db.select(Link).filter_by(edition_id=campaign.edition_id).order_by(Link.no)).scalars()
        assert [bar.value for bar in data.by_link] == [expected["links"][link.id] for link in links]
        assert len(data.by_link) == 16 and sum(bar.value for bar in data.by_link) > 0
        scenarios = db.session.execute(db.select(Scenario).filter_by(edition_id=campaign.edition_id)
                                       .order_by(Scenario.no)).scalars()
        assert [bar.value for bar in data.by_scenario] == [expected["scenarios"][s.id] for s in scenarios]
        assert len(data.by_scenario) == 45
        assert data.own_scenarios == expected["own"] > 0


@pytest.mark.parametrize("prefecture, status", [("430200", None), (None, ApplicationStatus.SUBMITTED),
                                                ("430100", ApplicationStatus.DRAFT)])
def test_filters_equal_direct_counts(app, prefecture, status):
    with app.app_context():
        build_applications(12)
        campaign = current_campaign()
        unit_id = db.session.execute(db.select(RecommendingUnit.id).filter_by(
            prefecture_adcode=prefecture)).scalar_one() if prefecture else None
        data = build_overview(campaign, unit_id, status)
        expected = direct_counts(campaign, unit_id, status)
        assert data.total == expected["total"] > 0
        assert [bar.value for bar in data.by_link] == [
            expected["links"][link.id] for link in db.session.execute(
                db.select(Link).filter_by(edition_id=campaign.edition_id).order_by(Link.no)).scalars()]
        assert data.own_scenarios == expected["own"]
        if unit_id:
            assert [row.unit_id for row in data.units] == [unit_id]
        # The quota use counts the recommended applications whatever the state filter.
        everything = direct_counts(campaign, unit_id)
        for row in data.units:
            assert sum(row.recommended.values()) == everything["unit_state"][(row.unit_id, ApplicationStatus.RECOMMENDED)]


def test_top_industries_and_the_rest(app):
    with app.app_context():
        build_applications(3)
        campaign = current_campaign()
        codes = ["13", "14", "15", "17", "18", "19", "20", "21", "22", "23", "24", "25"]
        for index, application in enumerate(db.session.execute(db.select(Application)).scalars()):
            application.industry_division_code, application.industry_group_code = codes[index], None
        for index, code in enumerate(codes[3:], start=3):
            enterprise = make_enterprise(db.session, name=f"湖南行业样本有限公司{index}")
            application = make_complete_application(db.session, enterprise=enterprise, campaign=campaign)
            application.industry_division_code, application.industry_group_code = code, None
        db.session.commit()
        bars = build_overview(campaign).by_industry
        assert len(bars) == 11 and bars[-1].label.startswith("其他（2个大类）") and bars[-1].value == 2
        assert sum(bar.value for bar in bars) == 12


def count_queries(app, action) -> int:
    statements = []

    def listener(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", listener)
    try:
        action()
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return len(statements)


def test_query_count_does_not_grow_with_the_applications(app, login_as):
    admin = login_as("admin")

    def overview_queries():
        with app.app_context():
            db.session.expire_all()
            campaign = current_campaign()
            return count_queries(app, lambda: build_overview(campaign))

    with app.app_context():
        build_applications(5, "湖南甲")
    small = overview_queries()
    small_page = count_queries(app, lambda: admin.get("/admin/overview"))
    with app.app_context():
        build_applications(20, "湖南乙")
        assert db.session.execute(db.select(db.func.count()).select_from(Application)).scalar_one() == 25
    assert overview_queries() == small
    assert count_queries(app, lambda: admin.get("/admin/overview")) == small_page
    assert small <= 10, small


def test_rendered_charts_show_the_database_numbers(app, login_as):
    with app.app_context():
        build_applications(12)
        campaign = current_campaign()
        expected = direct_counts(campaign)
        link_names = {link.id: f"{link.no}. {link.name}" for link in db.session.execute(
            db.select(Link).filter_by(edition_id=campaign.edition_id)).scalars()}
        unit_names = {u.id: u.name for u in db.session.execute(db.select(RecommendingUnit)).scalars()}
    response = login_as("admin").get("/admin/overview")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    links_figure = html[html.index('id="chart-links"'):html.index('id="chart-scenarios"')]
    table = dict(re.findall(r'<tr><td>([^<]+)</td><td class="adm-num">(\d+)</td></tr>', links_figure))
    assert table == {name: str(expected["links"][link_id]) for link_id, name in link_names.items()}
    titles = re.findall(r"<title>环节\d+“([^”]+)”：(\d+) 份申报书</title>", links_figure)
    assert len(titles) == 16
    values = re.findall(r'class="chart__value"[^>]*>(\d+)</text>', links_figure)
    assert sorted(map(int, values)) == sorted(expected["links"][i] for i in link_names)
    units_figure = html[html.index('id="chart-units"'):html.index('id="chart-types"')]
    for unit_id, name in unit_names.items():
        total = sum(n for (u, _s), n in expected["unit_state"].items() if u == unit_id)
        assert f"<title>{name}：共 {total} 份" in units_figure
    types_figure = html[html.index('id="chart-types"'):html.index('id="chart-industries"')]
    for app_type in ApplicationType:
        row = f'<tr><td>{app_type.label}</td><td class="adm-num">{expected["type"][app_type]}</td></tr>'
        assert row in types_figure


def test_charts_are_accessible_svg_without_inline_style_or_script(app, login_as):
    with app.app_context():
        build_applications(4)
    html = login_as("admin").get("/admin/overview").get_data(as_text=True)
    main = html[html.index("<main"):html.index("</main>")]
    assert "style=" not in html and "<script" not in main
    svgs = re.findall(r"<svg [^>]*>", main)
    assert len(svgs) == 5
    assert all('role="img"' in svg and 'aria-label="' in svg for svg in svgs)
    assert main.count("<details class=\"chart__data\">") == 5
    assert main.count("<title>") >= 14 + 2 + 16 + 45


def test_reporting_against_the_unit_deadline(app, login_as):
    with app.app_context():
        campaign = current_campaign()
        units = db.session.execute(db.select(RecommendingUnit).order_by(RecommendingUnit.prefecture_adcode)
                                   ).scalars().all()
        reported, returned = ReportStatus.REPORTED, ReportStatus.RETURNED
        db.session.add(UnitReport(campaign_id=campaign.id, unit_id=units[0].id, status=reported, reported_at=utcnow()))
        db.session.add(UnitReport(campaign_id=campaign.id, unit_id=units[1].id, status=reported,
                                  reported_at=campaign.unit_deadline + timedelta(hours=2)))
        db.session.add(UnitReport(campaign_id=campaign.id, unit_id=units[2].id, status=returned, returned_at=utcnow()))
        db.session.commit()
        data = build_overview(campaign)
        states = {row.unit_id: row.report_state for row in data.units}
        assert states[units[0].id] == "reported" and states[units[1].id] == "late"
        assert states[units[2].id] == "returned" and states[units[3].id] == "pending"
        assert len(data.reported) == 2 and len(data.not_reported) == 12
        overdue = build_overview(campaign, now=campaign.unit_deadline + timedelta(minutes=1))
        assert {row.report_state for row in overdue.not_reported} == {"returned", "overdue"}
    page = text(login_as("admin").get("/admin/overview"))
    assert "尚未报送汇总表的推荐单位（12）" in page and "逾期报送" in page and "已退回，待重新报送" in page
    assert re.search(r'2<span class="adm-stat__of">/14</span></span><span class="stat__label">推荐单位已报送', page)


def test_filter_form_and_htmx_fragment(app, login_as):
    with app.app_context():
        build_applications(6)
        unit_id = db.session.execute(db.select(RecommendingUnit.id).filter_by(prefecture_adcode="430100")
                                     ).scalar_one()
    admin = login_as("admin")
    page = text(admin.get(f"/admin/overview?unit={unit_id}&status=submitted"))
    assert "当前筛选：长沙市工业和信息化局 已提交" in page
    fragment = admin.get(f"/admin/overview?unit={unit_id}", headers={"HX-Request": "true"})
    body = fragment.get_data(as_text=True)
    assert "<html" not in body and 'id="overview-results"' in body
    assert admin.get("/admin/overview?unit=abc&status=nonsense&campaign=999").status_code == 200


def test_only_the_admin_sees_the_overview(app, login_as):
    for role in ("security", "auditor", "recommender", "applicant"):
        assert login_as(role).get("/admin/overview").status_code == 403
