"""导入Word申报书 in the browser's place: upload, the preview per section, importing a choice of it through the same
section forms, the version check, refusals, the history and the audit trail."""
import json
import random

import pytest

from webapp.applications.word_import import build_plan
from webapp.core.extensions import db
from webapp.documents.word_reader import read_docx
from webapp.models import Application, ApplicationStatus, AuditRecord, Campaign, WordImport

from tests.applications.word_import.files import changed, in_document, word_file
from tests.applications.word_import.pages import checked, import_rows, start, upload, uploaded, versions
from tests.conftest import login, text
from tests.factories import make_application


@pytest.fixture
def applicant(login_as):
    client = login_as("applicant")
    client.application_id = start(client)
    return client


@pytest.fixture
def source(app):
    """The Word file of another enterprise's complete application (and that application's id)."""
    with app.app_context():
        original = make_application(db.session, name="湖南源文件智能装备股份有限公司")
        db.session.commit()
        return word_file(original), original.id


def application(app, application_id) -> Application:
    db.session.remove()
    return db.session.get(Application, application_id)


def test_an_upload_shows_its_preview_section_by_section(app, applicant, source):
    data, _ = source
    token, page = uploaded(applicant, applicant.application_id, data)
    assert len(token) == 32
    for heading in ("预览：申报书.docx", "封面", "企业基本信息", "近三年主要经济指标", "三、智能制造实施内容",
                    "七、 智能制造经验总结", "湖南源文件智能装备股份有限公司", "文件中的环节1：", "对应典型场景"):
        assert heading in page, heading
    assert 'value="basic.company_name"' in page and checked(page) == []       # nothing ticked until the user ticks
    assert set(versions(page)) >= {"version-cover", "version-basic", "version-implementation"}


def test_importing_two_sections_takes_them_and_nothing_else(app, applicant, source):
    data, original_id = source
    token, page = uploaded(applicant, applicant.application_id, data)
    response = import_rows(applicant, applicant.application_id, token, page, ["section:cover", "section:staff"])
    assert response.status_code == 303 and "done=" in response.location
    done = applicant.get(response.location)
    assert "已从“申报书.docx”导入 7 项" in text(done)
    with app.app_context():
        target, original = application(app, applicant.application_id), db.session.get(Application, original_id)
        assert (target.project_name, target.app_type) == (original.project_name, original.app_type)
        assert target.staff_total == original.staff_total and target.staff_other == original.staff_other
        assert target.address is None and target.links == [] and target.invest_total is None
        record = db.session.execute(db.select(WordImport)).scalar_one()
        assert (record.items, record.file_name, record.detail["sections"]) == (7, "申报书.docx", {"cover": 2, "staff": 5})
        audit = db.session.execute(db.select(AuditRecord).filter_by(action="application.word_import")).scalar_one()
        assert audit.success and json.loads(audit.detail)["summary"] == "从Word导入：7 项"
        assert {v.section: v.version for v in target.section_versions if v.version} == {"cover": 1, "staff": 1}
    history = text(applicant.get(f"/applications/{applicant.application_id}/history"))
    assert history.count("从Word导入") == 2            # the save history names each section's import


def test_a_single_field_can_be_taken_alone(app, applicant, source):
    data, _ = source
    token, page = uploaded(applicant, applicant.application_id, data)
    assert import_rows(applicant, applicant.application_id, token, page, ["basic.address"]).status_code == 303
    with app.app_context():
        target = application(app, applicant.application_id)
        assert target.address.startswith("湖南省") and target.company_name == "湖南测试智能装备有限公司"


def test_everything_goes_through_the_same_validators_as_typing(app, applicant, source):
    data, _ = source
    broken = in_document(data, r"(其中：</w:t>.*?设备费（万元）.*?<w:t[^>]*>)[\d,.]+(</w:t>)", r"\g<1>99.999\2")
    broken = in_document(broken, r"(总　　数.*?<w:t[^>]*>)\d+(人</w:t>)", r"\g<1>999\2")
    token, page = uploaded(applicant, applicant.application_id, broken)
    assert "最多保留2位小数" in page                                       # the amount field's own message
    assert "应等于总数（999人）" in page                                    # the staff form's cross-field check
    response = import_rows(applicant, applicant.application_id, token, page, [], action="all")
    assert response.status_code == 303
    with app.app_context():
        target = application(app, applicant.application_id)
        assert target.cost_equipment is None and target.staff_total is None     # problem rows are never taken
        assert target.cost_software is not None and target.staff_senior == 28    # the rest of their sections is
        assert target.company_name == "湖南源文件智能装备股份有限公司" and len(target.links) == 8


def test_a_section_saved_since_the_preview_is_reported_and_not_overwritten(app, applicant, source):
    data, _ = source
    token, page = uploaded(applicant, applicant.application_id, data)
    saved = applicant.post(f"/applications/{applicant.application_id}/sections/profile",
                           data={"version": "0", "profile": "刚刚在网页上填写的简介。"})
    assert saved.status_code == 303
    response = import_rows(applicant, applicant.application_id, token, page, ["section:profile", "section:cover"])
    followed = applicant.get(response.location)
    assert "此部分在您预览之后已被他人保存，为避免覆盖未导入" in text(followed)
    with app.app_context():
        target = application(app, applicant.application_id)
        assert target.profile == "刚刚在网页上填写的简介。" and target.project_name


def test_nothing_ticked_imports_nothing_and_says_so(app, applicant, source):
    data, _ = source
    token, page = uploaded(applicant, applicant.application_id, data)
    response = import_rows(applicant, applicant.application_id, token, page, [])
    assert response.status_code == 200 and "请先勾选要导入的内容" in text(response)
    with app.app_context():
        assert db.session.execute(db.select(WordImport)).first() is None


def test_a_link_name_is_matched_and_the_user_can_choose_another(app, applicant, source):
    data, original_id = source
    with app.app_context():
        first = db.session.get(Application, original_id).links[0].link.name          # 4 characters, e.g. 工艺设计
    typo = in_document(data, f"环节1：{first}", f"环节1：{first[:3]}X")
    token, page = uploaded(applicant, applicant.application_id, typo)
    assert f"最接近的指引环节为“{first}”（相似度 75%），请确认或更正" in page
    with app.app_context():
        target = application(app, applicant.application_id)
        other = next(link for link in target.edition.links if link.name == "生产作业")
    preview = import_rows(applicant, applicant.application_id, token, page, [], action="preview",
                          **{"link-1": str(other.id)})
    assert preview.status_code == 200 and f'<option value="{other.id}" selected>' in preview.get_data(as_text=True)
    import_rows(applicant, applicant.application_id, token, page, ["link:1"], **{"link-1": str(other.id)})
    with app.app_context():
        target = application(app, applicant.application_id)
        assert [link.link.name for link in target.links] == ["生产作业"]
        assert [s.scenario for s in target.links[0].scenarios] == [None, None]      # its guide has none of them


def test_an_application_that_cannot_be_edited_takes_no_import(app, client, source):
    data, _ = source
    with app.app_context():
        submitted = make_application(db.session, name="湖南已提交智能装备有限公司", status=ApplicationStatus.SUBMITTED)
        db.session.commit()
        application_id, user_login = submitted.id, submitted.enterprise.users[0].login
    login(client, user_login)
    assert "不能导入" in text(client.get(f"/applications/{application_id}/word-import"))
    response = upload(client, application_id, data)
    assert response.status_code == 409 and "不能导入" in text(response)


@pytest.mark.parametrize("name, content, message", [
    ("申报书.docm", None, "启用宏"),
    ("申报书.pdf", b"%PDF-1.4 ...", "不是 Word 文件"),
    ("申报书.docx", b"%PDF-1.4 ...", "内容不是 Word 文档"),
    ("申报书.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "设有打开密码"),
])
def test_refused_files_say_why_and_are_audited(app, applicant, source, name, content, message):
    response = upload(applicant, applicant.application_id, content or source[0], name)
    assert response.status_code == 200 and message in text(response)
    with app.app_context():
        audit = db.session.execute(db.select(AuditRecord).filter_by(action="application.word_import")).scalar_one()
        assert not audit.success and message in json.loads(audit.detail)["reason"]


def test_an_old_doc_file_without_libreoffice_asks_to_save_as_docx(app, applicant, monkeypatch):
    monkeypatch.setattr("webapp.applications.word_import_file.office_binary", lambda: None)
    response = upload(applicant, applicant.application_id, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600),
                      "申报书.doc")
    assert "旧版 Word 格式（.doc）" in text(response) and "另存为" in text(response)


def test_a_file_over_the_size_limit_is_refused(app, applicant, source):
    with app.app_context():
        db.session.execute(db.update(Campaign).values(max_file_mb=1))
        db.session.commit()
    padded = changed(source[0], {"word/media/padding.bin": random.Random(1).randbytes(1_200_000)})
    response = upload(applicant, applicant.application_id, padded)
    assert "超过了单个文件 1 MB 的上限" in text(response)


def test_an_expired_or_unknown_file_is_said_so(app, applicant):
    page = applicant.get(f"/applications/{applicant.application_id}/word-import?file={'0' * 32}")
    assert "上传的文件已过期或不存在" in text(page)
    response = import_rows(applicant, applicant.application_id, "../../etc/passwd", "", ["all"])
    assert response.status_code == 303
    assert "上传的文件已过期或不存在" in text(applicant.get(response.location))


def test_the_preview_and_the_console_agree(app, applicant, source):
    data, _ = source
    _token, page = uploaded(applicant, applicant.application_id, data)
    with app.app_context():
        plan = build_plan(application(app, applicant.application_id), read_docx(data))
        assert f"共 <strong>{plan.importable}</strong> 项可以导入" in page


def test_a_part_with_nothing_new_offers_no_box_to_import_it_whole(app, applicant, source):
    """Once a file is imported, the same file again has nothing new: 三 (its 环节 and 场景 shown) offers no box to
    import the whole part; before, it did."""
    data, _ = source
    token, page = uploaded(applicant, applicant.application_id, data)
    assert 'value="section:implementation"' in page
    assert import_rows(applicant, applicant.application_id, token, page, [], action="all").status_code == 303
    _, page = uploaded(applicant, applicant.application_id, data)
    assert "文件中的环节1：" in page
    assert 'value="section:implementation"' not in page
