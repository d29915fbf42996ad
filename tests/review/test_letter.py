"""The unit's recommendation, completed: a 推荐意见 with every 推荐, and the 推荐函 whose stamped scan 报送 needs."""
import io
import zlib

from docx import Document

from webapp.campaigns.lookup import current_campaign
from webapp.core.storage import attachment_path_for
from webapp.core.extensions import db
from webapp.models import Application, ApplicationType, AuditRecord, LetterScan
from webapp.ops.demo_files import minimal_pdf

from tests.conftest import text
from tests.review.test_recommender import OPINION, make_submitted, recommend, upload_letter


def test_recommending_asks_for_a_recommendation_opinion(app, login_as):
    unit = login_as("recommender")
    application_id = make_submitted(app, "湖南推荐意见装备有限公司")
    response = unit.post(f"/review/{application_id}/recommend", data={"recommend-comment": " "})
    assert response.status_code == 200 and "请填写推荐意见" in text(response)
    assert recommend(unit, application_id).status_code == 303
    with app.app_context():
        assert db.session.get(Application, application_id).recommend_opinion == OPINION
    # Changed on the review page until 报送; empty is refused and the text is kept.
    response = unit.post(f"/review/{application_id}/opinion", data={"opinion": ""})
    assert response.status_code == 200 and "请填写推荐意见" in text(response)
    assert unit.post(f"/review/{application_id}/opinion", data={"opinion": "改：行业领先。"}).status_code == 303
    with app.app_context():
        assert db.session.get(Application, application_id).recommend_opinion == "改：行业领先。"
        assert db.session.execute(db.select(AuditRecord).filter_by(action="application.opinion")).scalar_one()


def test_report_needs_every_opinion(app, login_as):
    unit = login_as("recommender")
    application_id = make_submitted(app, "湖南缺推荐意见装备有限公司")
    recommend(unit, application_id)
    with app.app_context():
        db.session.get(Application, application_id).recommend_opinion = None
        db.session.commit()
    upload_letter(unit)
    response = unit.post("/review/summary/report", data={"confirmed": "1"})
    assert response.status_code == 409 and "以下申报书尚未填写推荐意见：湖南缺推荐意见装备有限公司" in text(response)


def test_the_letter_lists_the_recommendations_by_type_in_the_units_order(app, login_as):
    unit = login_as("recommender")
    first = make_submitted(app, "湖南推荐函甲有限公司")
    workshop = make_submitted(app, "湖南推荐函车间有限公司", app_type=ApplicationType.WORKSHOP)
    second = make_submitted(app, "湖南推荐函乙有限公司")
    for application_id in (second, workshop, first):
        recommend(unit, application_id)
    response = unit.get("/review/summary/letter.docx")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    document = Document(io.BytesIO(response.data))
    lines = [p.text for p in document.paragraphs if p.text.strip()]
    assert lines[0] == f"关于推荐{current_campaign_year(app)}年湖南省智能制造标杆企业（车间）的函"
    assert lines[1] == "湖南省工业和信息化厅："
    body = "\n".join(lines)
    assert body.index("湖南推荐函乙有限公司") < body.index("湖南推荐函甲有限公司") < body.index("二、标杆车间")
    assert "液压油缸智能装配车间" in body and "（盖章）" in body and "特此函告。" in body
    footer = document.sections[0].footer.paragraphs[0].text
    assert "校验码" in footer


def current_campaign_year(app) -> int:
    with app.app_context():
        return current_campaign().year


def test_a_scan_of_an_older_letter_does_not_let_the_list_be_reported(app, login_as):
    unit = login_as("recommender")
    a, b = make_submitted(app, "湖南函序甲有限公司"), make_submitted(app, "湖南函序乙有限公司")
    recommend(unit, a)
    recommend(unit, b)
    bad = unit.post("/review/summary/letter-scan", content_type="multipart/form-data",
                    data={"file": (io.BytesIO(b"not a pdf"), "推荐函.pdf")})
    assert bad.status_code == 303
    assert "文件内容与类型不符" in text(unit.get("/review/summary"))
    upload_letter(unit)
    page = text(unit.get("/review/summary"))
    assert "与当前推荐函一致" in page
    unit.post(f"/review/{b}/move", data={"direction": "up"})           # the order changes: the printed letter is old
    page = text(unit.get("/review/summary"))
    assert "与当前推荐函不一致" in page
    response = unit.post("/review/summary/report", data={"confirmed": "1"})
    assert response.status_code == 409 and "推荐函扫描件的校验码" in text(response)
    upload_letter(unit)
    assert unit.post("/review/summary/report", data={"confirmed": "1"}).status_code == 303


def test_the_province_sees_the_letter_and_its_scan_with_the_summary(app, login_as):
    unit, admin = login_as("recommender"), login_as("admin")
    application_id = make_submitted(app, "湖南省厅见函有限公司")
    recommend(unit, application_id)
    upload_letter(unit)
    unit.post("/review/summary/report", data={"confirmed": "1"})
    with app.app_context():
        scan = db.session.execute(db.select(LetterScan)).scalar_one()
        assert scan.crc32 == zlib.crc32(attachment_path_for(scan.stored_name).read_bytes())
        campaign_id, unit_id = current_campaign().id, db.session.get(Application, application_id).unit_id
    page = text(admin.get(f"/admin/selection/{campaign_id}/form-check"))
    assert "推荐函盖章扫描件.pdf" in page and "校验码不一致" not in page
    assert admin.get(f"/admin/selection/{campaign_id}/units/{unit_id}/letter.docx").status_code == 200
    download = admin.get(f"/review/letter-scans/{scan.id}")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    assert login_as("other_recommender").get(f"/review/letter-scans/{scan.id}").status_code == 404


def test_scan_pdf_helper_is_a_pdf():
    assert minimal_pdf("x").startswith(b"%PDF-")
