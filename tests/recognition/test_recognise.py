"""认定: the 文号 recorded once, the 拟认定 list becomes 已认定 through the state table, one certificate each (numbers
and codes), the results on the enterprise's and the unit's home pages, the certificate's Word file and PDF."""
import io
from datetime import timedelta

import pytest
from docx import Document

from webapp.campaigns.lookup import current_campaign
from webapp.core.extensions import db
from webapp.core.timeutil import local_today
from webapp.documents.pdf import office_binary
from webapp.models import (
    Application, ApplicationStatus as S, ApplicationType, AuditRecord, Certificate, Notice, Objection, ObjectionState,
    RecognitionDecision, StatusChange,
)
from webapp.documents.content_cache import documents
from webapp.recognition import certificates
from webapp.recognition.codes import ALPHABET, CODE_LENGTH, clean_document_no, normalize_code
from webapp.recognition.recognise import RecognitionError, check_can_recognise, recognise_campaign

from tests.conftest import text
from tests.factories import make_application, province_admin
from tests.recognition.builders import (
    DOCUMENT_NO, PUBLICITY, WHEN, client_of, proposed, publicity_ended, recognised_world,
)


@pytest.mark.parametrize("typed, stored", [
    ("湘工信装备〔2026〕123号", "湘工信装备〔2026〕123号"),
    ("湘工信装备[2026]123号", "湘工信装备〔2026〕123号"),
    ("湘工信装备（２０２６）１２３号", "湘工信装备〔2026〕123号"),
    (" 湘工信【2025】7号 ", "湘工信〔2025〕7号"),
])
def test_a_document_number_is_read_loosely(typed, stored):
    assert clean_document_no(typed) == stored


@pytest.mark.parametrize("typed", ["", "2026-123", "湘工信装备〔2026〕123", "工信装备〔2026〕123号", "湘工信装备〔26〕1号",
                                   "湘工信装备〔1899〕1号"])
def test_a_wrong_document_number_is_refused_clearly(typed):
    with pytest.raises(ValueError, match="文号"):
        clean_document_no(typed)


def test_recording_the_document_recognises_the_list_and_issues_certificates(app, login_as):
    with app.app_context():
        enterprise_app = proposed("湖南一号智能装备有限公司")
        workshop_app = proposed("湖南二号智能科技有限公司", app_type=ApplicationType.WORKSHOP)
        other = make_application(db.session, name="湖南评审中有限公司", status=S.UNDER_REVIEW)
        publicity_ended(current_campaign())
        db.session.commit()
        ids = enterprise_app.id, workshop_app.id, other.id
        campaign_id = current_campaign().id
    admin = login_as("admin")
    page = text(admin.get(f"/admin/recognition/{campaign_id}"))
    assert "拟认定名单共 <strong>2</strong> 家" in page
    bad = admin.post(f"/admin/recognition/{campaign_id}/record",
                     data={"document_no": "123号", "document_date": WHEN.isoformat()})
    assert bad.status_code == 200 and "以“湘工信”开头" in text(bad)
    future = admin.post(f"/admin/recognition/{campaign_id}/record",
                        data={"document_no": DOCUMENT_NO, "document_date": (local_today() + timedelta(days=1)).isoformat()})
    assert future.status_code == 409 and "不能晚于今天" in text(future)
    ok = admin.post(f"/admin/recognition/{campaign_id}/record",
                    data={"document_no": "湘工信装备[2026]123号", "document_date": WHEN.isoformat()})
    assert ok.status_code == 303
    with app.app_context():
        applications = [db.session.get(Application, i) for i in ids]
        assert [a.status for a in applications] == [S.RECOGNISED, S.RECOGNISED, S.UNDER_REVIEW]
        year = current_campaign().year
        certificates = {c.application_id: c for c in db.session.execute(db.select(Certificate)).scalars()}
        assert certificates[ids[0]].number == f"湘智标〔{year}〕企-001"
        assert certificates[ids[1]].number == f"湘智标〔{year}〕车-001"
        assert certificates[ids[1]].title == "湖南省智能制造标杆车间 — 智能总装车间"
        for certificate in certificates.values():
            assert len(certificate.code) == CODE_LENGTH and set(certificate.code) <= set(ALPHABET)
            assert certificate.document_no == DOCUMENT_NO and certificate.is_valid
        changes = db.session.execute(db.select(StatusChange.action).filter_by(application_id=ids[0])).scalars().all()
        assert changes[-1] == "recognise"
        assert db.session.execute(db.select(AuditRecord).filter_by(action="recognition.record")).scalar_one()
        kinds = db.session.execute(db.select(Notice.kind)).scalars().all()
        assert kinds.count("recognition.recognised") >= 2
    again = admin.post(f"/admin/recognition/{campaign_id}/record",
                       data={"document_no": DOCUMENT_NO, "document_date": WHEN.isoformat()})
    assert again.status_code == 409 and "不能重复认定" in text(again)


def test_the_preconditions_of_recognition(app):
    with app.app_context():
        campaign, admin = current_campaign(), province_admin(db.session)
        with pytest.raises(RecognitionError, match="拟认定名单为空"):
            check_can_recognise(campaign)
        proposed("湖南条件智能有限公司")
        with pytest.raises(RecognitionError, match="尚未公示"):
            check_can_recognise(campaign)
        publicity = publicity_ended(campaign)
        publicity.ends_on = local_today()
        with pytest.raises(RecognitionError, match="公示期满后才能认定"):
            check_can_recognise(campaign)
        publicity.ends_on = PUBLICITY[1]
        objection = Objection(publicity=publicity, entry=publicity.entries[0], reference="YY-1", name="李明",
                              employer="某单位", phone="13912345678", grounds="理由")
        db.session.add(objection)
        db.session.flush()
        with pytest.raises(RecognitionError, match="1 件实名异议尚未处理完毕"):
            check_can_recognise(campaign)
        objection.state = ObjectionState.DISMISSED
        db.session.flush()
        assert len(check_can_recognise(campaign)) == 1
        with pytest.raises(RecognitionError, match="应在公示期满（2026年11月16日）之后"):
            recognise_campaign(campaign, DOCUMENT_NO, PUBLICITY[1], admin)
        recognise_campaign(campaign, DOCUMENT_NO, WHEN, admin)
        with pytest.raises(RecognitionError, match="不能重复认定"):
            check_can_recognise(campaign)
        assert db.session.execute(db.select(db.func.count(RecognitionDecision.id))).scalar_one() == 1


def test_the_enterprise_and_its_unit_see_the_result_and_download_the_certificate(app, login_as):
    world = recognised_world(app)
    enterprise = client_of(app, world["logins"][0])
    home = text(enterprise.get("/home"))
    assert "认定结果" in home and "湖南省智能制造标杆企业" in home and DOCUMENT_NO in home
    response = enterprise.get(f"/recognition/certificates/{world['certificates'][0]}.docx")
    assert response.status_code == 200
    body = "\n".join(p.text for p in Document(io.BytesIO(response.data)).paragraphs)
    assert "湖南甲认定智能装备有限公司" in body and "被认定为" in body and DOCUMENT_NO in body
    # Another enterprise's certificate is not found; the unit of 长沙 sees its two, not 株洲's.
    assert enterprise.get(f"/recognition/certificates/{world['certificates'][2]}.docx").status_code == 404
    changsha = client_of(app, world["unit_logins"][0])
    unit_page = text(changsha.get("/recognition/unit"))
    assert "湖南甲认定智能装备有限公司" in unit_page and "湖南乙认定智能科技有限公司" in unit_page
    assert "株洲丙认定机械有限公司" not in unit_page
    assert "湖南甲认定智能装备有限公司" in text(changsha.get("/home"))
    assert changsha.get(f"/recognition/certificates/{world['certificates'][2]}.docx").status_code == 404


@pytest.mark.skipif(office_binary() is None, reason="LibreOffice is not installed")
def test_the_certificate_as_pdf(app):
    world = recognised_world(app)
    enterprise = client_of(app, world["logins"][1])
    response = enterprise.get(f"/recognition/certificates/{world['certificates'][1]}.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")


def test_the_certificate_pdf_is_made_once_per_content_and_layout(app, monkeypatch):
    """The PDF (LibreOffice, seconds) is kept by the certificate's data and the code's version: a deploy that changes
    the layout makes it again, instead of serving the old one beside a new Word file."""
    made = []

    def convert(documents, work):
        made.append(sorted(documents))
        return {name: b"%PDF-1.7 " + str(len(made)).encode() for name in documents}

    monkeypatch.setattr(certificates, "office_binary", lambda: "/usr/bin/soffice")
    monkeypatch.setattr(certificates, "convert_to_pdf", convert)
    world = recognised_world(app)
    enterprise = client_of(app, world["logins"][1])
    url = f"/recognition/certificates/{world['certificates'][1]}.pdf"
    assert enterprise.get(url).data == enterprise.get(url).data == b"%PDF-1.7 1"
    monkeypatch.setattr(certificates, "code_version", lambda: b"a deploy later")
    assert enterprise.get(url).data == b"%PDF-1.7 2" and made == [["certificate"], ["certificate"]]


def test_the_certificate_word_file_is_built_once_for_all_workers(app, monkeypatch):
    """The archive holds every certificate: each is kept by its data, so a worker that has built nothing reads it
    from documents/generated/; a revocation changes the data and gives the revoked certificate."""
    world = recognised_world(app)
    enterprise = client_of(app, world["logins"][1])
    url = f"/recognition/certificates/{world['certificates'][1]}.docx"
    first = enterprise.get(url).data
    documents.clear()                                                        # a new worker

    def not_again(data):
        raise AssertionError("built again")

    with monkeypatch.context() as patched:
        patched.setattr(certificates, "build_certificate", not_again)
        assert enterprise.get(url).data == first
    with app.app_context():
        certificate = db.session.get(Certificate, world["certificates"][1])
        certificates.revoke(certificate, certificates.Revocation("核查发现数据不实", "湘工信装备〔2026〕99号",
                                                                 local_today()), province_admin(db.session))
        db.session.commit()
    revoked = enterprise.get(url).data
    assert "本证书已撤销" in Document(io.BytesIO(revoked)).element.xml
    assert "本证书已撤销" not in Document(io.BytesIO(first)).element.xml


def test_codes_are_typed_forgivingly_and_never_ambiguous():
    assert not set("01ILO") & set(ALPHABET)
    assert normalize_code("7kq2m-xh9pa") == "7KQ2MXH9PA"
    assert normalize_code("7KQ2M XH9PA") == "7KQ2MXH9PA"
    assert normalize_code("7KQ2M-XH9P") is None and normalize_code("0KQ2MXH9PA") is None
    assert normalize_code("<script>") is None
