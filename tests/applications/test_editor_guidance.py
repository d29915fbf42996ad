"""What the editor says and where: dependent lists without JavaScript in one pass, 保存并继续 never past a gap it
made, eligibility 待填写 before the data exist, the checklist grouped by section with the blocking items first."""
from webapp.core.extensions import db
from webapp.models import Application

from tests.conftest import text
from tests.form_data import SECTION_POSTS, save_section, start_application


def applicant_with(login_as):
    client = login_as("applicant")
    client.application_id = start_application(client)
    return client


def test_the_industry_list_follows_the_division_without_javascript(app, login_as):
    client = applicant_with(login_as)
    posted = {**SECTION_POSTS["basic"], "industry_division_code": "14", "industry_group_code": "", "refresh": "1"}
    response = save_section(client, client.application_id, "basic", posted)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "列表已按您的选择更新" in text(response)
    assert 'value="143"' in page and "方便食品制造" in page               # 中类 of 14 食品制造业, in one pass
    assert posted["address"] in page                                     # what was typed stays
    with app.app_context():
        assert db.session.get(Application, client.application_id).industry_division_code is None   # not saved
    assert "更新中类列表" in client.get(f"/applications/{client.application_id}/sections/basic").get_data(as_text=True)


def test_save_and_continue_stays_when_a_dependent_list_was_left_empty(app, login_as):
    client = applicant_with(login_as)
    posted = {**SECTION_POSTS["basic"], "industry_division_code": "14", "industry_group_code": "", "next": "1"}
    response = save_section(client, client.application_id, "basic", posted)
    assert response.status_code == 200                                   # no redirect to the next section
    assert "已保存" in text(response) and "请选择“所属行业中类”后再继续" in text(response)
    with app.app_context():
        assert db.session.get(Application, client.application_id).industry_division_code == "14"
    done = save_section(client, client.application_id, "basic",
                        {**posted, "industry_group_code": "143", "version": "1"})
    assert done.status_code == 303 and done.location.endswith("/sections/economics")


def test_eligibility_waits_for_data_before_it_says_anything_red(app, login_as):
    client = applicant_with(login_as)
    save_section(client, client.application_id, "cover", SECTION_POSTS["cover"])
    page = text(client.get(f"/applications/{client.application_id}/sections/profile"))
    assert "待填写" in page and "eligibility__item--block" not in page and "✗" not in page
    assert "主营业务收入不低于20000万元（填写近三年主要经济指标后核对）" in page
    economics = {key: value for key, value in SECTION_POSTS["economics"].items()}
    for key in [k for k in economics if k.endswith("revenue")]:
        economics[key] = "15000"
    save_section(client, client.application_id, "economics", economics)
    page = text(client.get(f"/applications/{client.application_id}/sections/profile"))
    assert "✗ 申报标杆企业要求最近一年主营业务收入不低于20000万元（当前15000）" in page


def test_the_checklist_is_grouped_by_section_with_counts_and_links(app, login_as):
    client = applicant_with(login_as)
    page = client.get(f"/applications/{client.application_id}/checklist").get_data(as_text=True)
    plain = text(client.get(f"/applications/{client.application_id}/checklist"))
    assert 'id="check-economics"' in page and "近三年主要经济指标" in plain
    economics = page[page.index('id="check-economics"'):]
    economics = economics[:economics.index('<div class="checklist__group"')]
    assert "15 项" in economics and "另有 10 项" in economics                # 15 lines folded to 5 + 10
    assert f'href="/applications/{client.application_id}/sections/economics#years-0-total_assets"' in economics
    assert page.index('id="check-cover"') < page.index('id="check-economics"') < page.index('id="check-attachments"')
