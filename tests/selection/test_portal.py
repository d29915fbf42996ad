"""The experts' portal through its pages: only one's own assignments, the 回避 question before the content, the
sheet saved by section (HTMX fragment) or whole (plain POST), submitted once, other experts' scores unseen."""
import io
import re
from datetime import timedelta

import pytest
from docx import Document
from openpyxl import load_workbook

from webapp.campaigns.lookup import current_campaign
from webapp.core.extensions import db
from webapp.core.timeutil import utcnow
from webapp.models import Assignment, AssignmentState, Attachment, AttachmentCategory, Notice, Role, User
from webapp.notices.reminders import write_due_reminders
from webapp.selection.form_check import pass_form_check
from webapp.selection.plan import get_plan
from webapp.selection.scoring import section_key

from tests.conftest import PASSWORD, login, text
from tests.selection.builders import assign, expert, plan_for, recommended, report, scored, staff

HTMX = {"HX-Request": "true"}


@pytest.fixture
def portal(app):
    """A 长沙 application in review with two experts (株洲, 湘潭) assigned; the first has not opened it yet."""
    with app.app_context():
        application = recommended("湖南专家门户装备有限公司", "长沙市")
        report(application)
        pass_form_check(application, staff(Role.ADMIN))
        plan = plan_for()
        first, second = expert("门户专家甲", "株洲市", login="zj_a"), expert("门户专家乙", "湘潭市", login="zj_b")
        for entry in (first, second):
            entry.user.set_password(PASSWORD)
            entry.user.must_change_password = False
        row_a = assign(application, first, opened=False)
        row_b = assign(application, second)
        sheet = plan.sheet_for(application.app_type)
        db.session.commit()
        keys = [section_key(c) for c in sheet.criteria]
        # Returned, not yielded inside the context: each request of the test gets its own app context (and g).
        return dict(application=application.id, a=row_a.id, b=row_b.id, keys=keys, campaign=application.campaign_id,
                    pdf=next(f.id for f in application.attachments if f.content_type == "application/pdf"),
                    xlsx=next(f.id for f in application.attachments if f.original_name.endswith(".xlsx")))


def client_for(app, login_name):
    client = app.test_client()
    assert login(client, login_name).status_code == 302
    return client


def test_an_expert_reaches_only_their_own_assignments(app, portal, login_as):
    stranger = login_as("expert")                          # an expert of the pool, not assigned here
    for url in (f"/expert/assignments/{portal['a']}", f"/expert/assignments/{portal['a']}/files/{portal['pdf']}",
                f"/expert/assignments/{portal['a']}/sheet.docx"):
        assert stranger.get(url).status_code == 404, url
    assert stranger.post(f"/expert/assignments/{portal['a']}/open").status_code == 404
    assert stranger.post(f"/expert/assignments/{portal['a']}/sheet", data={f"{portal['keys'][0]}-value": "30"}
                         ).status_code == 404
    assert "湖南专家门户装备有限公司" not in text(stranger.get("/expert/"))
    # Nor can another role read the portal, nor an expert the enterprise's own views.
    assert login_as("admin").get(f"/expert/assignments/{portal['a']}").status_code == 403
    assert client_for(app, "zj_a").get(f"/applications/{portal['application']}").status_code == 403
    # A proposal not yet confirmed is not the expert's yet.
    with app.app_context():
        db.session.get(Assignment, portal["a"]).state = AssignmentState.PROPOSED
        db.session.commit()
    assert client_for(app, "zj_a").get(f"/expert/assignments/{portal['a']}").status_code == 404


def test_the_conflict_question_comes_before_the_content(app, portal):
    expert_a = client_for(app, "zj_a")
    page = text(expert_a.get(f"/expert/assignments/{portal['a']}"))
    assert "利益冲突声明" in page and "湖南专家门户装备有限公司" in page
    assert "企业简介" not in page and "推荐意见" not in page               # nothing beyond the name
    assert expert_a.get(f"/expert/assignments/{portal['a']}/files/{portal['pdf']}").status_code == 404
    assert expert_a.post(f"/expert/assignments/{portal['a']}/open").status_code == 303
    page = text(expert_a.get(f"/expert/assignments/{portal['a']}"))
    assert "湖南专家门户装备有限公司推荐意见。" in page and "三、智能制造实施内容" in page
    assert "评分表" in page and "一票否决" in page


def test_declaring_a_conflict_needs_a_reason_and_ends_the_assignment(app, portal):
    expert_a = client_for(app, "zj_a")
    response = expert_a.post(f"/expert/assignments/{portal['a']}/decline", data={"reason": ""})
    assert response.status_code == 200 and "请说明与该企业的关系" in text(response)
    response = expert_a.post(f"/expert/assignments/{portal['a']}/decline", data={"reason": "亲属在该企业任职"})
    assert response.status_code == 303
    assert "已声明回避" in text(expert_a.get("/expert/"))
    page = text(expert_a.get(f"/expert/assignments/{portal['a']}"))
    assert "已声明回避" in page and "企业简介" not in page


def test_attachments_are_previewed_in_the_page(app, portal):
    expert_b = client_for(app, "zj_b")
    page = expert_b.get(f"/expert/assignments/{portal['b']}").get_data(as_text=True)
    assert re.search(rf'<iframe src="/expert/assignments/{portal["b"]}/files/{portal["pdf"]}\?inline=1"', page)
    assert f'/expert/assignments/{portal["b"]}/files/{portal["xlsx"]}"' in page         # Office: a download
    framed = expert_b.get(f"/expert/assignments/{portal['b']}/files/{portal['pdf']}?inline=1")
    assert framed.status_code == 200 and framed.headers["Content-Disposition"].startswith("inline")
    assert framed.headers["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'self'"
    assert framed.headers["X-Frame-Options"] == "SAMEORIGIN"
    office = expert_b.get(f"/expert/assignments/{portal['b']}/files/{portal['xlsx']}?inline=1")
    assert office.headers["Content-Disposition"].startswith("attachment")
    assert "sandbox" in office.headers["Content-Security-Policy"]
    with app.app_context():
        other = db.session.execute(db.select(Attachment.id).where(Attachment.application_id != portal["application"])
                                   ).first()
    assert other is None or expert_b.get(f"/expert/assignments/{portal['b']}/files/{other[0]}").status_code == 404


def test_a_section_saves_alone_with_htmx_and_says_what_is_wrong(app, portal):
    expert_b = client_for(app, "zj_b")
    first, second = portal["keys"][0], portal["keys"][1]
    url = f"/expert/assignments/{portal['b']}/sheet/{first}"
    response = expert_b.post(url, data={f"{first}-value": "41", f"{first}-comment": "很好",
                                        f"{second}-value": "20"}, headers=HTMX)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body and f'id="section-{first}"' in body
    assert "须在0–40分之间，您填写的是41" in body and 'value="41"' in body
    response = expert_b.post(url, data={f"{first}-value": "36", f"{first}-comment": "覆盖全面",
                                        f"{second}-value": "20"}, headers=HTMX)
    body = response.get_data(as_text=True)
    assert "已于" in body and 'id="sheet-total" class="sheet-total" hx-swap-oob="true"' in body
    assert "当前总分：<strong>36.0</strong>" in body                   # the other section was not saved
    page = text(expert_b.get(f"/expert/assignments/{portal['b']}"))
    assert 'value="36.0"' in page and "覆盖全面" in page


def test_the_plain_form_saves_every_section_and_keeps_bad_input(app, portal):
    expert_b = client_for(app, "zj_b")
    first, second = portal["keys"][0], portal["keys"][1]
    url = f"/expert/assignments/{portal['b']}/sheet"
    response = expert_b.post(url, data={f"{first}-value": "30", f"{first}-comment": "较好",
                                        f"{second}-value": "三十", f"{second}-comment": "数据充分"})
    page = text(response)
    assert response.status_code == 200 and "以下各项未保存" in page and 'value="三十"' in page
    assert "当前总分：<strong>30.0</strong>" in page
    assert expert_b.post(url, data={f"{second}-value": "25", f"{second}-comment": "数据充分"}).status_code == 303


def fill_everything(client, row_id, keys, values=("35", "25", "12", "12")):
    data = {f"{key}-value": value for key, value in zip(keys, values)}
    data.update({f"{key}-comment": "评语" for key in keys})
    data.update({f"{key}-value": "yes" for key in keys[len(values):]})
    data["opinion"] = "建议列入。"
    return client.post(f"/expert/assignments/{row_id}/submit", data=data)


def test_submitted_once_then_read_only_and_others_never_see_scores_unless_the_plan_says(app, portal):
    expert_a, expert_b = client_for(app, "zj_a"), client_for(app, "zj_b")
    incomplete = expert_b.post(f"/expert/assignments/{portal['b']}/submit", data={f"{portal['keys'][0]}-value": "30"})
    assert incomplete.status_code == 200 and "评分表尚未提交" in text(incomplete)
    assert fill_everything(expert_b, portal["b"], portal["keys"]).status_code == 303
    page = text(expert_b.get(f"/expert/assignments/{portal['b']}"))
    assert "不能修改" in page and "保存本项" not in page and "84.0" in page
    again = expert_b.post(f"/expert/assignments/{portal['b']}/sheet", data={f"{portal['keys'][0]}-value": "10"})
    assert again.status_code == 303
    assert "评分表已提交" in text(expert_b.get(f"/expert/assignments/{portal['b']}"))

    expert_a.post(f"/expert/assignments/{portal['a']}/open")
    assert fill_everything(expert_a, portal["a"], portal["keys"], ("20", "15", "8", "8")).status_code == 303
    for client, row, other_total in ((expert_a, portal["a"], "84.0"), (expert_b, portal["b"], "51.0")):
        page = text(client.get(f"/expert/assignments/{row}"))
        assert "其他专家" not in page and other_total not in page
    with app.app_context():
        plan_for(experts_see_others=True)
        db.session.commit()
    page = text(expert_a.get(f"/expert/assignments/{portal['a']}"))
    assert "其他专家已提交的评分" in page and "专家A：84.0 分" in page and "门户专家乙" not in page


def test_the_admin_sees_progress_reminds_and_exports_both_documents(app, portal, login_as):
    admin = login_as("admin")
    with app.app_context():
        row = db.session.get(Assignment, portal["b"])
        card = scored(row, [36, 25, 12, 12])
        db.session.commit()
        card_id = card.id
        expert_a_id = db.session.get(Assignment, portal["a"]).expert_id
    base = f"/admin/selection/{portal['campaign']}"
    progress = text(admin.get(f"{base}/progress"))
    assert "门户专家甲" in progress and "门户专家乙" in progress
    assert admin.post(f"{base}/experts/{expert_a_id}/remind").status_code == 303
    assert "省工信厅提醒" in text(client_for(app, "zj_a").get("/expert/"))
    with app.app_context():                 # also a notice in the expert's inbox (and e-mail where switched on)
        expert_user = db.session.execute(db.select(User).filter_by(login="zj_a")).scalar_one()
        assert db.session.execute(db.select(Notice.subject).filter_by(
            user_id=expert_user.id, kind="selection.remind")).scalars().all() == ["省工信厅提醒您完成评审"]

    workbook = load_workbook(io.BytesIO(admin.get(f"{base}/review.xlsx").data))
    assert workbook.sheetnames == ["评审汇总", "评分明细", "评语明细"]
    header = [c.value for c in workbook["评分明细"][1]]
    assert header[:6] == ["申报企业名称", "标杆类型", "申报单位所在市州", "专家", "专家所在市州", "专家工作单位"]
    assert "场景建设水平" in header and "合计" in header
    row = [c.value for c in workbook["评分明细"][2]]
    assert row[2] == "长沙市" and row[4] == "湘潭市" and row[header.index("合计")] == 85
    document = Document(io.BytesIO(admin.get(f"{base}/cards/{card_id}/sheet.docx").data))
    text_of = "\n".join(p.text for p in document.paragraphs)
    assert "专家签字" in text_of and "门户专家乙" in text_of
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    assert "场景建设水平" in cells and "36" in cells
    assert admin.get(f"{base}/experts/{expert_a_id}/sheets.docx").status_code == 200


def test_current_campaign_is_what_the_fixture_says(app):
    with app.app_context():
        assert current_campaign().year == 2024
        assert AttachmentCategory.STAMPED_SCAN.value == "stamped_scan"


def test_experts_with_unsubmitted_sheets_are_reminded_before_the_plan_deadline(app, portal):
    with app.app_context():
        scored(db.session.get(Assignment, portal["b"]), [36, 25, 12, 12])     # 乙 has submitted, 甲 has not
        plan = get_plan(db.session.get(Assignment, portal["a"]).application.campaign)
        plan.deadline = utcnow() + timedelta(days=10)
        db.session.commit()
        assert [n for n in write_due_reminders(utcnow()) if "专家评审" in n.subject] == []      # 10 days ahead
        due = [n for n in write_due_reminders(plan.deadline - timedelta(days=3)) if "专家评审" in n.subject]
        expert_a = db.session.execute(db.select(User).filter_by(login="zj_a")).scalar_one()
        assert [(n.user_id, n.subject) for n in due] == [(expert_a.id, "距专家评审截止不到3天，尚有评分表未提交")]
        assert "您还有 1 份申报书尚未提交评分表" in due[0].body and due[0].link == "/expert/"
        assert [n for n in write_due_reminders(plan.deadline - timedelta(days=3)) if "专家评审" in n.subject] == []
