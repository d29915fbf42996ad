"""Campaign administration: create and edit every setting, one current campaign, deadline extensions, and an
application started from the enterprise's previous one."""
import re
from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from webapp.campaigns.settings import CampaignError, copy_from_previous, previous_application
from webapp.campaigns.lookup import create_campaign, current_campaign
from webapp.core.extensions import db
from webapp.models import (
    Application, ApplicationStatus, ApplicationType, AuditRecord, Campaign, CampaignRule, CatalogueEdition,
    DeadlineExtension, Enterprise, Link, RecommendingUnit, RuleKey, RuleMode, Scenario, UnitQuota,
)
from webapp.ops.seeding import default_edition
from webapp.core.timeutil import from_local, utcnow

from tests.conftest import text
from tests.factories import make_complete_application, make_enterprise

E, W = ApplicationType.ENTERPRISE, ApplicationType.WORKSHOP


def units(app):
    with app.app_context():
        return [(u.id, u.name) for u in db.session.execute(
            db.select(RecommendingUnit).order_by(RecommendingUnit.prefecture_adcode)).scalars()]


def campaign_data(app, **overrides) -> dict:
    """A complete, valid POST of the campaign form (Beijing times as typed)."""
    with app.app_context():
        edition_id = default_edition().id
    data = {
        "year": "2025", "title": "2025年湖南省智能制造标杆申报", "edition_id": str(edition_id),
        "enterprise_deadline_date": "2025-06-30", "enterprise_deadline_time": "17:00",
        "unit_deadline_date": "2025-07-15", "unit_deadline_time": "17:30",
        "is_open": "y", "required_attachments": ["license", "audit", "stamped_scan"],
        "max_file_mb": "30", "max_application_mb": "300",
        "rule_min_links_enterprise_threshold": "8", "rule_min_links_enterprise_mode": "block",
        "rule_min_links_workshop_threshold": "4", "rule_min_links_workshop_mode": "warn",
        "rule_min_scenarios_enterprise_threshold": "10", "rule_min_scenarios_enterprise_mode": "block",
        "rule_min_scenarios_workshop_threshold": "5", "rule_min_scenarios_workshop_mode": "block",
        "rule_min_revenue_enterprise_threshold": "20,000", "rule_min_revenue_enterprise_mode": "warn",
        "rule_min_revenue_workshop_threshold": "", "rule_min_revenue_workshop_mode": "off",
        "rule_min_investment_enterprise_threshold": "10000", "rule_min_investment_enterprise_mode": "block",
        "rule_min_investment_workshop_threshold": "3000.5", "rule_min_investment_workshop_mode": "block",
        "rule_no_major_accident_all_mode": "warn",
    }
    for index, (unit_id, _name) in enumerate(units(app)):
        data[f"quota_{unit_id}_enterprise"] = str(3 + index)
        data[f"quota_{unit_id}_workshop"] = str(index)
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def get_campaign(year: int) -> Campaign:
    return db.session.execute(db.select(Campaign).filter_by(year=year)).scalar_one()


def rule(campaign, key, app_type):
    return db.session.execute(db.select(CampaignRule).filter_by(campaign_id=campaign.id, key=key,
                                                               app_type=app_type)).scalar_one_or_none()


# ---- create and edit --------------------------------------------------------------------------------------------

def test_list_marks_the_current_campaign(app, login_as):
    admin = login_as("admin")
    page = text(admin.get("/admin/campaigns"))
    assert "2024年湖南省智能制造标杆申报" in page and "当前批次" in page


def test_create_campaign_with_every_setting(app, login_as):
    admin = login_as("admin")
    response = admin.post("/admin/campaigns/new", data=campaign_data(app))
    assert response.status_code == 303, text(response)
    with app.app_context():
        campaign = get_campaign(2025)
        assert campaign.title == "2025年湖南省智能制造标杆申报"
        # Typed in Beijing time, stored in UTC.
        assert campaign.enterprise_deadline == datetime(2025, 6, 30, 9, 0)
        assert campaign.unit_deadline == datetime(2025, 7, 15, 9, 30)
        assert campaign.is_open and not campaign.is_current          # not asked to be current
        assert current_campaign().year == 2024
        assert campaign.required_attachments == ["license", "audit", "stamped_scan"]
        assert (campaign.max_file_mb, campaign.max_application_mb) == (30, 300)
        assert rule(campaign, RuleKey.MIN_LINKS, W).mode is RuleMode.WARN
        assert rule(campaign, RuleKey.MIN_REVENUE, E).threshold == Decimal("20000")
        assert rule(campaign, RuleKey.MIN_REVENUE, E).mode is RuleMode.WARN
        assert rule(campaign, RuleKey.MIN_REVENUE, W) is None                 # 不检查 and no threshold: no row
        assert rule(campaign, RuleKey.MIN_INVESTMENT, W).threshold == Decimal("3000.5")
        assert rule(campaign, RuleKey.NO_MAJOR_ACCIDENT, None).mode is RuleMode.WARN
        quotas = {(q.unit_id, q.app_type): q.quota for q in db.session.execute(
            db.select(UnitQuota).filter_by(campaign_id=campaign.id)).scalars()}
        assert len(quotas) == 28
        for index, (unit_id, _name) in enumerate(units(app)):
            assert quotas[(unit_id, E)] == 3 + index and quotas[(unit_id, W)] == index
        assert db.session.execute(db.select(AuditRecord).filter_by(action="campaign.create")).scalar_one()


def test_new_campaign_form_starts_from_the_current_settings(app, login_as):
    page = text(login_as("admin").get("/admin/campaigns/new"))
    assert 'value="2025"' in page and "2025年湖南省智能制造标杆申报" in page
    assert re.search(r'<input[^>]*name="rule_min_links_enterprise_threshold"[^>]*value="8"', page)


def test_edit_rules_quotas_and_attachments(app, login_as):
    admin = login_as("admin")
    with app.app_context():
        campaign = current_campaign()
        campaign_id, unit_id = campaign.id, units(app)[0][0]
    page = text(admin.get(f"/admin/campaigns/{campaign_id}"))
    assert "阻止提交" in page and "提醒推荐单位" in page and "不检查" in page
    data = campaign_data(app, year="2024", title="2024年度（修订）", is_current="y",
                         rule_min_links_enterprise_mode="off", rule_min_revenue_workshop_threshold="5000",
                         rule_min_revenue_workshop_mode="warn", required_attachments=["license", "equipment"],
                         **{f"quota_{unit_id}_workshop": "12"})
    response = admin.post(f"/admin/campaigns/{campaign_id}", data=data)
    assert response.status_code == 303, text(response)
    with app.app_context():
        campaign = db.session.get(Campaign, campaign_id)
        assert campaign.title == "2024年度（修订）" and campaign.is_current
        assert rule(campaign, RuleKey.MIN_LINKS, E).mode is RuleMode.OFF
        assert rule(campaign, RuleKey.MIN_REVENUE, W).threshold == Decimal(5000)
        assert rule(campaign, RuleKey.MIN_REVENUE, W).mode is RuleMode.WARN
        assert campaign.required_attachments == ["license", "equipment"]
        assert db.session.execute(db.select(UnitQuota.quota).filter_by(
            campaign_id=campaign_id, unit_id=unit_id, app_type=W)).scalar_one() == 12
        record = db.session.execute(db.select(AuditRecord).filter_by(action="campaign.update")).scalar_one()
        assert "rule.min_links.enterprise" in record.detail and "required_attachments" in record.detail


@pytest.mark.parametrize("overrides, message", [
    ({"unit_deadline_date": "2025-06-30", "unit_deadline_time": "16:59"}, "推荐单位截止时间不能早于企业申报截止时间"),
    ({"year": "2024"}, "2024年度的申报批次已存在"),
    ({"year": "1999"}, "不能小于2000"),
    ({"year": "2101"}, "不能大于2100"),
    ({"year": "二〇二五"}, "请输入数字"),
    ({"rule_min_revenue_enterprise_threshold": "-1"}, "不能为负数"),
    ({"rule_min_links_enterprise_threshold": ""}, "请填写门槛值"),
    ({"quota_1_enterprise": "1000"}, "不能大于999"),
    ({"quota_1_workshop": "-2"}, "不能为负数"),
    ({"quota_1_workshop": ""}, "请填写名额"),
    ({"max_application_mb": "10"}, "附件总量上限不能小于单个文件上限"),
    ({"title": ""}, "请填写批次名称"),
    ({"enterprise_deadline_date": ""}, "请选择企业申报截止日期"),
])
def test_invalid_settings_are_shown_in_place(app, login_as, overrides, message):
    admin = login_as("admin")
    response = admin.post("/admin/campaigns/new", data=campaign_data(app, **overrides))
    assert response.status_code == 200
    page = text(response)
    assert message in page and "请修改以下问题" in page
    with app.app_context():
        assert db.session.execute(db.select(Campaign).filter_by(year=2025)).scalar_one_or_none() is None


def test_exactly_one_current_campaign(app, login_as):
    admin = login_as("admin")
    response = admin.post("/admin/campaigns/new", data=campaign_data(app, is_current="y"))
    assert response.status_code == 303
    with app.app_context():
        current = db.session.execute(db.select(Campaign).filter_by(is_current=True)).scalars().all()
        assert [c.year for c in current] == [2025]
        old_id = get_campaign(2024).id
        new_id = get_campaign(2025).id
    # Unticking the current campaign is refused: there must always be one.
    data = campaign_data(app)
    data.pop("is_current", None)
    response = admin.post(f"/admin/campaigns/{new_id}", data=data)
    assert response.status_code == 200 and "必须有一个当前批次" in text(response)
    # The list's button switches.
    assert admin.post(f"/admin/campaigns/{old_id}/current").status_code == 303
    with app.app_context():
        current = db.session.execute(db.select(Campaign).filter_by(is_current=True)).scalars().all()
        assert [c.year for c in current] == [2024]
        assert db.session.execute(db.select(AuditRecord).filter_by(action="campaign.make_current")).scalars().all()


def test_past_campaigns_stay_readable(app, login_as):
    admin = login_as("admin")
    admin.post("/admin/campaigns/new", data=campaign_data(app, is_current="y"))
    with app.app_context():
        old_id = get_campaign(2024).id
    page = text(admin.get(f"/admin/campaigns/{old_id}"))
    assert "2024年湖南省智能制造标杆申报" in page
    assert admin.get(f"/admin/overview?campaign={old_id}").status_code == 200


def test_year_and_edition_cannot_change_once_applications_exist(app, login_as):
    admin = login_as("admin")
    with app.app_context():
        campaign = current_campaign()
        make_complete_application(db.session, enterprise=make_enterprise(db.session), campaign=campaign)
        other = CatalogueEdition(code="2099", name="测试版")
        db.session.add(other)
        db.session.commit()
        campaign_id, other_id = campaign.id, other.id
    response = admin.post(f"/admin/campaigns/{campaign_id}",
                          data=campaign_data(app, year="2024", is_current="y", edition_id=str(other_id)))
    assert response.status_code == 200 and "不能更换场景指引版本" in text(response)
    response = admin.post(f"/admin/campaigns/{campaign_id}", data=campaign_data(app, year="2026", is_current="y"))
    assert response.status_code == 200 and "不能修改年度" in text(response)
    with app.app_context():
        campaign = db.session.get(Campaign, campaign_id)
        assert (campaign.year, campaign.edition_id) == (2024, default_edition().id)


def test_only_the_admin_manages_campaigns(app, login_as):
    for role in ("security", "auditor", "recommender", "applicant"):
        client = login_as(role)
        assert client.get("/admin/campaigns").status_code == 403
        assert client.post("/admin/campaigns/new", data={}).status_code == 403


# ---- deadline extensions ------------------------------------------------------------------------------------------

def test_extension_lets_only_that_enterprise_submit_late(app, login_as):
    admin = login_as("admin")
    with app.app_context():
        campaign = current_campaign()
        campaign.enterprise_deadline = utcnow() - timedelta(days=1)
        late = make_enterprise(db.session, name="湖南迟交智能科技有限公司")
        other = make_enterprise(db.session, name="湖南准时精密制造有限公司")
        db.session.commit()
        campaign_id, late_id, other_id = campaign.id, late.id, other.id
        code = late.credit_code
    page = text(admin.get(f"/admin/campaigns/{campaign_id}/extensions?q=迟交"))
    assert "湖南迟交智能科技有限公司" in page and "湖南准时精密制造有限公司" not in page
    assert "湖南迟交智能科技有限公司" in text(admin.get(f"/admin/campaigns/{campaign_id}/extensions?q={code[-6:]}"))
    new_deadline = (datetime.now() + timedelta(days=5)).strftime("%Y-%m-%d")
    response = admin.post(f"/admin/campaigns/{campaign_id}/extensions", data={
        "q": "迟交", "enterprise_id": str(late_id), "deadline_date": new_deadline, "deadline_time": "17:00",
        "reason": "营业执照变更，材料延迟"})
    assert response.status_code == 303, text(response)
    with app.app_context():
        campaign = db.session.get(Campaign, campaign_id)
        assert campaign.accepts_submissions(late_id)
        assert not campaign.accepts_submissions(other_id)
        extension = db.session.execute(db.select(DeadlineExtension)).scalar_one()
        assert extension.reason == "营业执照变更，材料延迟"
        assert db.session.execute(db.select(AuditRecord).filter_by(action="campaign.extension_grant")).scalar_one()
        extension_id = extension.id
    page = text(admin.get(f"/admin/campaigns/{campaign_id}/extensions"))
    assert "已延期企业（1）" in page and "营业执照变更，材料延迟" in page
    assert admin.post(f"/admin/campaigns/{campaign_id}/extensions/{extension_id}/delete").status_code == 303
    with app.app_context():
        assert not db.session.get(Campaign, campaign_id).accepts_submissions(late_id)
        assert db.session.execute(db.select(AuditRecord).filter_by(action="campaign.extension_remove")).scalar_one()


def test_extension_must_lie_between_the_two_deadlines(app, login_as):
    admin = login_as("admin")
    with app.app_context():
        campaign = current_campaign()
        enterprise = make_enterprise(db.session)
        db.session.commit()
        campaign_id, enterprise_id = campaign.id, enterprise.id
    too_late = (datetime.now() + timedelta(days=60)).strftime("%Y-%m-%d")
    response = admin.post(f"/admin/campaigns/{campaign_id}/extensions", data={
        "enterprise_id": str(enterprise_id), "deadline_date": too_late, "deadline_time": "17:00", "reason": "测试"})
    assert response.status_code == 200 and "不能晚于推荐单位截止时间" in text(response)
    response = admin.post(f"/admin/campaigns/{campaign_id}/extensions", data={
        "deadline_date": too_late, "deadline_time": "17:00", "reason": ""})
    assert response.status_code == 200 and "请先搜索并选择企业" in text(response) and "请填写延期原因" in text(response)
    with app.app_context():
        assert db.session.execute(db.select(DeadlineExtension)).first() is None


# ---- copy from the previous year ----------------------------------------------------------------------------------

def previous_year_setup(app):
    """A 2023 campaign with the enterprise's (submitted) application; the fixture's 2024 campaign is current."""
    with app.app_context():
        previous = create_campaign(year=2023, title="2023年湖南省智能制造标杆申报",
                                   enterprise_deadline=from_local(datetime(2023, 6, 30, 17)),
                                   unit_deadline=from_local(datetime(2023, 7, 15, 17)),
                                   edition=default_edition(), make_current=False)
        enterprise = make_enterprise(db.session, name="湖南湘江智能装备股份有限公司")
        old = make_complete_application(db.session, enterprise=enterprise, campaign=previous, links=9,
                                        scenarios_per_link=3)
        old.status = ApplicationStatus.RECOMMENDED
        old.declared_on = datetime(2023, 6, 1).date()
        db.session.commit()
        return enterprise.id, old.id


def test_copy_from_previous_copies_the_form_but_not_the_files(app):
    enterprise_id, old_id = previous_year_setup(app)
    with app.app_context():
        enterprise = db.session.get(Enterprise, enterprise_id)
        campaign = current_campaign()
        user = enterprise.users[0]
        assert previous_application(enterprise_id, campaign).id == old_id
        result = copy_from_previous(enterprise, campaign, user)
        db.session.commit()
        new, old = result.application, db.session.get(Application, old_id)
        assert new.campaign_id == campaign.id and new.status is ApplicationStatus.DRAFT and new.version == 0
        for column in ("project_name", "app_type", "company_name", "org_code", "industry_group_code", "profile",
                       "invest_3y", "cost_equipment", "eff_cnc_rate", "overview_company", "lessons", "staff_total",
                       "honour_maturity_certified", "maturity_level", "pledge_legal_rep"):
            assert getattr(new, column) == getattr(old, column), column
        assert new.pledge_agreed is False and new.declared_on is None and new.submitted_at is None
        # 2020–2022 → 2021–2023: the two shared years keep their values, 2023 is empty.
        years = {y.year: y for y in new.economic_years}
        old_years = {y.year: y for y in old.economic_years}
        assert sorted(years) == [2021, 2022, 2023] and result.kept_years == [2021, 2022]
        assert years[2021].revenue == old_years[2021].revenue and years[2022].profit == old_years[2022].profit
        assert years[2023].revenue is None and years[2023].total_assets is None
        assert [(i.kind, i.text) for i in new.list_items] == [(i.kind, i.text) for i in old.list_items]
        assert [link.link_id for link in new.links] == [link.link_id for link in old.links]
        assert new.scenario_count == old.scenario_count == 27
        assert ([(s.scenario_id, s.name, s.solution) for link in new.links for s in link.scenarios]
                == [(s.scenario_id, s.name, s.solution) for link in old.links for s in link.scenarios])
        assert old.attachments and new.attachments == []
        assert all(v.version == 0 for v in new.section_versions) and new.section_versions
        assert db.session.execute(db.select(AuditRecord).filter_by(action="application.copy_previous")).scalar_one()
        with pytest.raises(CampaignError):
            copy_from_previous(enterprise, campaign, user)


def test_copy_keeps_only_links_and_scenarios_of_the_new_edition(app):
    with app.app_context():
        guide = default_edition()
        edition = CatalogueEdition(code="2030", name="测试指引（生产作业环节已撤销）")
        db.session.add(edition)
        db.session.flush()
        new_links = {}
        for link in guide.links:
            if link.no == 8:                                    # 生产作业 is gone in the new edition
                continue
            new_links[link.no] = Link(edition_id=edition.id, area_id=link.area_id, no=link.no, name=link.name)
            db.session.add(new_links[link.no])
        db.session.flush()
        for scenario in db.session.execute(db.select(Scenario).filter_by(edition_id=guide.id)).scalars():
            if scenario.link.no in new_links and scenario.no != 7:   # scenario 7 is gone too
                db.session.add(Scenario(edition_id=edition.id, link_id=new_links[scenario.link.no].id,
                                        no=scenario.no, name=scenario.name))
        db.session.commit()
        edition_id = edition.id
    enterprise_id, old_id = previous_year_setup(app)
    with app.app_context():
        campaign = current_campaign()
        campaign.edition_id = edition_id
        db.session.commit()
        enterprise = db.session.get(Enterprise, enterprise_id)
        old = db.session.get(Application, old_id)
        result = copy_from_previous(enterprise, campaign, enterprise.users[0])
        new = result.application
        assert new.edition_id == edition_id
        assert all(link.link.edition_id == edition_id for link in new.links)
        assert 8 not in [link.link.no for link in new.links] and 8 in [link.link.no for link in old.links]
        assert result.dropped_links == ["生产作业"]
        claimed = [s.scenario.no for link in new.links for s in link.scenarios if s.scenario]
        assert 7 not in claimed
        assert all(s.scenario.edition_id == edition_id for link in new.links for s in link.scenarios if s.scenario)
        old_seven = [s for link in old.links for s in link.scenarios if s.scenario and s.scenario.no == 7]
        assert len(result.dropped_scenarios) == len(old_seven)
        expected = sum(len(link.scenarios) for link in old.links if link.link.no != 8) - len(old_seven)
        assert new.scenario_count == expected


def test_applicant_copies_from_the_home_page(app, login_as):
    enterprise_id, _old_id = previous_year_setup(app)
    with app.app_context():
        login_name = db.session.get(Enterprise, enterprise_id).users[0].login
    client = app.test_client()
    response = client.post("/login", data={"login": login_name, "password": "Passw0rd!x-2024"})
    assert response.status_code == 302
    home = text(client.get("/home"))
    assert "开始填写申报书" in home and "从上一年度申报书复制" in home
    response = client.post("/applications/copy-previous")
    assert response.status_code == 303 and "/sections/" in response.location
    assert "已从2023年度申报书复制内容" in text(client.get(response.location))
    with app.app_context():
        new = db.session.execute(db.select(Application).filter_by(
            campaign_id=current_campaign().id, enterprise_id=enterprise_id)).scalar_one()
        assert new.project_name and new.links
    home = text(client.get("/home"))
    assert "从上一年度申报书复制" not in home and "继续填写申报书" in home
    response = client.post("/applications/copy-previous", follow_redirects=True)
    assert "本年度申报书已存在" in text(response)


def test_no_copy_button_without_a_previous_application(app, login_as):
    client = login_as("applicant")
    home = text(client.get("/home"))
    assert "开始填写申报书" in home and "从上一年度申报书复制" not in home
    response = client.post("/applications/copy-previous", follow_redirects=True)
    assert "没有找到上一年度的申报书" in text(response)
