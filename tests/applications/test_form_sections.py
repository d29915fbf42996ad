"""The 申报书 sections: each saves with and without JavaScript, and each rule answers in Chinese next to the field."""
from decimal import Decimal

import pytest

from webapp.core.extensions import db
from webapp.models import Application, ApplicationType, ListKind
from webapp.applications.sections import SECTIONS

from tests.conftest import text
from tests.form_data import SECTION_POSTS, save_section, start_application


@pytest.fixture
def applicant(login_as):
    client = login_as("applicant")
    client.application_id = start_application(client)
    return client


def stored(app, application_id) -> Application:
    return db.session.get(Application, application_id)


def save(applicant, key, **changes):
    data = dict(SECTION_POSTS[key])
    data.update(changes)
    return save_section(applicant, applicant.application_id, key, data)


def errors_of(response) -> str:
    return text(response)


FORM_SECTIONS = [s.key for s in SECTIONS if s.form is not None]


@pytest.mark.parametrize("key", FORM_SECTIONS)
def test_every_section_saves_without_javascript(applicant, app, key):
    if key == "investment":
        save(applicant, "cover")
    response = save_section(applicant, applicant.application_id, key)
    assert response.status_code == 303, errors_of(response)[-2000:]
    page = text(applicant.get(response.location))
    assert "已保存" in page


@pytest.mark.parametrize("key", FORM_SECTIONS)
def test_every_section_saves_with_htmx_as_a_fragment(applicant, key):
    if key == "investment":
        save(applicant, "cover")
    response = save_section(applicant, applicant.application_id, key, htmx=True)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body
    assert "已保存" in body and 'hx-swap-oob="true"' in body   # the section list is refreshed too


def test_saved_values_are_stored(applicant, app):
    for key in ("cover", "basic", "economics", "honours", "staff", "investment", "effects", "pledge"):
        assert save(applicant, key).status_code == 303, key
    with app.app_context():
        a = stored(app, applicant.application_id)
        assert a.app_type is ApplicationType.ENTERPRISE
        assert a.industry_group_code == "351" and a.founded_on.isoformat() == "2005-03-18"
        assert [y.total_assets for y in a.economic_years] == [Decimal("125000.50")] * 3
        assert a.maturity_level == 3 and a.major_accident is False
        assert a.cost_equipment == Decimal("10000") and a.eff_cnc_rate == Decimal("92.5")
        assert a.pledge_agreed is True


# ---- formats -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("field,value,message", [
    ("org_code", "91430100MA4L2BCD1X", "18位统一社会信用代码或9位组织机构代码"),
    ("org_code", "12345", "18位统一社会信用代码或9位组织机构代码"),
    ("legal_rep_mobile", "0731-88888888", "请输入11位手机号码"),
    ("contact_mobile", "1380731000", "请输入11位手机号码"),
    ("contact_email", "zhangsan@", "请填写正确的电子邮箱"),
    ("founded_on", "2999-01-01", "成立时间不能晚于今天"),
    ("founded_on", "2005-13-45", "不是有效的日期值"),
])
def test_basic_info_formats(applicant, app, field, value, message):
    response = save(applicant, "basic", **{field: value})
    assert response.status_code == 200 and message in errors_of(response)
    with app.app_context():
        assert stored(app, applicant.application_id).legal_rep_name is None   # nothing of a refused save is kept


def test_nine_character_org_code_and_full_width_mobile_accepted(applicant, app):
    assert save(applicant, "basic", org_code="600037341", contact_mobile="１３８０７３１０００２").status_code == 303
    with app.app_context():
        a = stored(app, applicant.application_id)
        assert a.org_code == "600037341" and a.contact_mobile == "13807310002"


def test_amounts_accept_grouping_and_full_width(applicant, app):
    response = save(applicant, "economics", **{"years-0-revenue": "１２３，４５６．７８", "years-1-revenue": "1,234.5",
                                               "years-2-profit": "-350.25"})
    assert response.status_code == 303
    with app.app_context():
        years = stored(app, applicant.application_id).economic_years
        assert years[0].revenue == Decimal("123456.78") and years[1].revenue == Decimal("1234.5")
        assert years[2].profit == Decimal("-350.25")


@pytest.mark.parametrize("value,message", [("八万", "请输入数字"), ("1.234", "最多保留2位小数"), ("-5", "不能为负数"),
                                           ("12,34", "千分位逗号位置不正确"), ("1e5", "请输入数字")])
def test_amounts_refuse_text_and_extra_decimals(applicant, value, message):
    response = save(applicant, "economics", **{"years-0-revenue": value})
    assert response.status_code == 200 and message in errors_of(response)


def test_rates_cannot_exceed_100_but_increases_can(applicant, app):
    assert "不能大于100" in errors_of(save(applicant, "effects", eff_cnc_rate="100.5"))
    assert "不能大于100" in errors_of(save(applicant, "effects", eff_defect_rate="120"))
    assert save(applicant, "effects", eff_productivity="150", eff_cnc_rate="100%").status_code == 303
    with app.app_context():
        assert stored(app, applicant.application_id).eff_productivity == Decimal("150")


def test_percentages_refuse_negative(applicant):
    assert "不能为负数" in errors_of(save(applicant, "investment", domestic_share="-1"))


# ---- lengths -----------------------------------------------------------------------------------------------------

def test_profile_limit_counts_characters_after_trimming(applicant, app):
    response = save(applicant, "profile", profile="企" * 501)
    assert response.status_code == 200 and "超出 1 字（不超过500字，当前501字）" in errors_of(response)
    assert save(applicant, "profile", profile="  " + "企" * 500 + "\n ").status_code == 303
    with app.app_context():
        assert len(stored(app, applicant.application_id).profile) == 500


def test_line_breaks_count_once_as_the_browser_counts_them(applicant, app):
    typed = "甲\r\n" * 249 + "乙"        # 499 characters in the browser: CR LF is one line break
    assert save(applicant, "profile", profile=typed).status_code == 303
    with app.app_context():
        assert stored(app, applicant.application_id).profile == "甲\n" * 249 + "乙"


def test_text_fields_carry_a_counter_and_never_cut(applicant):
    """No maxlength: a browser would cut a pasted text silently. The counter shows the limit; the server checks."""
    page = applicant.get(f"/applications/{applicant.application_id}/sections/profile").get_data(as_text=True)
    assert 'data-counter="500"' in page and 'data-counter-for="profile"' in page and "maxlength" not in page


def test_an_over_long_paste_is_kept_in_full_with_the_message(applicant, app):
    pasted = "企业以智能制造为主线推进数字化转型。" * 35 + "企业总部位于长沙。"   # 630 + 9 = 639 characters
    response = save(applicant, "profile", profile=pasted)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "超出 139 字（不超过500字，当前639字）" in errors_of(response)
    assert pasted in body                                   # kept in full in the form, nothing cut
    with app.app_context():
        assert stored(app, applicant.application_id).profile is None


# ---- conditional fields --------------------------------------------------------------------------------------------

def test_nature_other_needs_explanation(applicant, app):
    assert "请注明" in errors_of(save(applicant, "basic", nature="other", nature_other=""))
    assert save(applicant, "basic", nature="other", nature_other="集体企业").status_code == 303
    assert save(applicant, "basic", nature="private", nature_other="集体企业").status_code == 303
    with app.app_context():
        assert stored(app, applicant.application_id).nature_other is None


def test_maturity_certificate_needs_level(applicant):
    response = save(applicant, "honours", maturity_level="")
    assert "请选择等级" in errors_of(response)


def test_other_honour_needs_name(applicant):
    assert "请注明荣誉名称" in errors_of(save(applicant, "honours", honour_other="y", honour_other_text=""))


def test_workshop_fields_only_for_workshop(applicant, app):
    page = text(applicant.get(f"/applications/{applicant.application_id}/sections/investment"))
    assert "车间总投入" not in page
    save(applicant, "cover", app_type="workshop")
    page = text(applicant.get(f"/applications/{applicant.application_id}/sections/investment"))
    assert "智能制造车间名称" in page and "车间近3年实施智能制造的总投入" in page


# ---- sums and orders -----------------------------------------------------------------------------------------------

def test_staff_counts_must_add_up(applicant):
    response = save(applicant, "staff", staff_other="31")
    assert "之和（121人）应等于总数（120人）" in errors_of(response)


def test_enterprise_costs_must_equal_three_year_total(applicant):
    save(applicant, "cover")
    response = save(applicant, "investment", cost_personnel="2600")
    assert "应等于企业近3年实施智能制造的总投入（18000万元）" in errors_of(response)


def test_workshop_costs_must_equal_workshop_three_year_total(applicant, app):
    save(applicant, "cover", app_type="workshop")
    workshop = dict(workshop_name="焊接智能车间", workshop_invest_total="9000", workshop_invest_3y="6000")
    response = save(applicant, "investment", **workshop)
    assert "应等于车间近3年实施智能制造的总投入（6000万元）" in errors_of(response)
    response = save(applicant, "investment", **workshop, cost_equipment="3000", cost_software="1500",
                    cost_testing="500", cost_personnel="1000")
    assert response.status_code == 303
    with app.app_context():
        assert stored(app, applicant.application_id).workshop_name == "焊接智能车间"


def test_three_year_investment_not_above_total(applicant):
    save(applicant, "cover")
    assert "不能大于企业总投入" in errors_of(save(applicant, "investment", invest_total="10000"))


def test_provincial_share_not_above_domestic(applicant):
    save(applicant, "cover")
    assert "省产软、硬件投资占比不能大于国产占比" in errors_of(save(applicant, "investment", provincial_share="90"))


def test_changing_type_afterwards_shows_the_section_as_wrong(applicant, app):
    save(applicant, "cover")
    save(applicant, "investment")
    save(applicant, "cover", app_type="workshop")
    page = text(applicant.get(f"/applications/{applicant.application_id}/checklist"))
    assert "应等于车间近3年实施智能制造的总投入" in page or "请填写“车间近3年实施智能制造的总投入" in page


# ---- dependent selects ---------------------------------------------------------------------------------------------

def test_industry_group_must_belong_to_division(applicant):
    assert "不属于所选行业大类" in errors_of(save(applicant, "basic", industry_division_code="13"))


def test_industry_group_options_fragment(applicant):
    body = applicant.get("/options/groups?industry_division_code=35", headers={"HX-Request": "true"}).get_data(True)
    assert "351采矿、冶金、建筑专用设备制造" in body and "<html" not in body and "131" not in body


def test_division_without_group_saves_so_the_group_list_follows_without_javascript(applicant, app):
    response = save(applicant, "basic", industry_division_code="38", industry_group_code="", county_adcode="")
    assert response.status_code == 303
    with app.app_context():
        a = stored(app, applicant.application_id)
        assert a.industry_division_code == "38" and a.industry_group_code is None and a.county_adcode is None
    page = text(applicant.get(response.location))
    assert "381电机制造" in page


def test_county_must_be_in_the_units_prefecture(applicant):
    assert "须属于推荐单位（长沙市工业和信息化局）所辖范围" in errors_of(save(applicant, "basic", county_adcode="430203"))


# ---- lists ---------------------------------------------------------------------------------------------------------

def test_list_add_remove_and_reorder_without_javascript(applicant, app):
    data = {"functions-0": "甲", "functions-1": "乙", "functions-2": "丙"}
    response = save(applicant, "functions", **data, list_action="add:functions")
    assert response.status_code == 200 and 'id="functions-3"' in response.get_data(as_text=True)
    save_section(applicant, applicant.application_id, "functions", data, list_action="up:functions:2")
    with app.app_context():
        items = stored(app, applicant.application_id).items(ListKind.FUNCTION)
        assert [i.text for i in items] == ["甲", "丙", "乙"]
    save_section(applicant, applicant.application_id, "functions", {"functions-0": "甲", "functions-1": "丙",
                                                                    "functions-2": "乙"}, list_action="remove:functions:0")
    with app.app_context():
        assert [i.text for i in stored(app, applicant.application_id).items(ListKind.FUNCTION)] == ["丙", "乙"]


def test_empty_list_items_are_not_stored(applicant, app):
    save(applicant, "functions", **{"functions-1": "   "})
    with app.app_context():
        assert len(stored(app, applicant.application_id).items(ListKind.FUNCTION)) == 1


# ---- versions ------------------------------------------------------------------------------------------------------

def test_stale_save_is_refused_and_keeps_the_text(app, applicant, login_as):
    application_id = applicant.application_id
    save_section(applicant, application_id, "profile", {"profile": "第一个人写的简介"}, version="0")
    response = save_section(applicant, application_id, "profile", {"profile": "第二个人写的简介"}, version="0")
    body = text(response)
    assert response.status_code == 409
    assert "没有保存" in body and "第二个人写的简介" in body
    with app.app_context():
        assert stored(app, application_id).profile == "第一个人写的简介"


def test_stale_save_via_htmx_is_swapped_in(applicant):
    save_section(applicant, applicant.application_id, "profile", {"profile": "甲"}, version="0")
    response = save_section(applicant, applicant.application_id, "profile", {"profile": "乙"}, version="0", htmx=True)
    assert response.status_code == 409 and "载入最新内容" in response.get_data(as_text=True)


def test_another_enterprise_cannot_reach_the_application(applicant, login_as, accounts):
    other = login_as("applicant")
    assert other.get(f"/applications/{applicant.application_id}/sections/cover").status_code == 404
    assert save_section(other, applicant.application_id, "cover", SECTION_POSTS["cover"] | {"version": "0"}).status_code == 404
