"""Certificates: issued at 认定 (one per application), found by their verification code, revoked with a reason and a
document number (the `revoke` transition of the application, audited), and rendered as Word and PDF."""
import hashlib
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from flask import current_app

from webapp.audit import trail as audit
from webapp.core.extensions import db
from webapp.core.files import write_atomically
from webapp.core.storage import generated_root
from webapp.core.timeutil import local_today
from webapp.documents.certificate_docx import CertificateData, build_certificate
from webapp.documents.content_cache import code_version, documents
from webapp.documents.pdf import convert_to_pdf, office_binary
from webapp.models import Application, Certificate, RecognitionDecision, User
from webapp.recognition import notices
from webapp.recognition.codes import certificate_number, clean_document_no, display_code, new_code, normalize_code
from webapp.status import apply_transition


class CertificateError(ValueError):
    """A refused change of a certificate; the message is for the admin."""


def issue_certificate(application: Application, decision: RecognitionDecision) -> Certificate:
    """The certificate of a recognised application: the texts as recorded now, the next number of its year and
    type, a fresh verification code."""
    campaign = decision.campaign
    issued = db.session.execute(db.select(db.func.count(Certificate.id)).filter_by(
        campaign_id=campaign.id, app_type=application.app_type)).scalar_one()
    certificate = Certificate(
        campaign_id=campaign.id, application=application, year=campaign.year, app_type=application.app_type,
        number=certificate_number(campaign.year, application.app_type, issued + 1), code=_unused_code(),
        company_name=application.applicant_name,
        credit_code=application.enterprise.credit_code,
        workshop_name=(application.workshop_name or "") if application.app_type.value == "workshop" else "",
        prefecture_name=application.unit.prefecture.name, document_no=decision.document_no,
        document_date=decision.document_date)
    db.session.add(certificate)
    db.session.flush()
    return certificate


def issue_certificates(applications: list[Application], decision: RecognitionDecision) -> list[Certificate]:
    """One certificate per application, numbered in the list's order."""
    return [issue_certificate(application, decision) for application in applications]


def _unused_code() -> str:
    """A code no certificate has (a collision is astronomically rare, but checked)."""
    while True:
        code = new_code()
        if db.session.execute(db.select(Certificate.id).filter_by(code=code)).first() is None:
            return code


def find_by_code(text: str | None) -> Certificate | None:
    """The certificate a typed code names; None for an unknown or malformed code alike."""
    code = normalize_code(text)
    if code is None:
        return None
    return db.session.execute(db.select(Certificate).filter_by(code=code)).scalar_one_or_none()


def certificate_of(application: Application) -> Certificate | None:
    return db.session.execute(db.select(Certificate).filter_by(application_id=application.id)).scalar_one_or_none()


@dataclass(frozen=True)
class Revocation:
    reason: str
    document_no: str
    revoked_on: date


def revoke(certificate: Certificate, revocation: Revocation, actor: User) -> Certificate:
    """撤销认定: the application moves to 已撤销 (state table), the certificate records when, why and by which
    document; the verification page then says 已撤销. The caller commits."""
    reason = (revocation.reason or "").strip()
    if not reason:
        raise CertificateError("请填写撤销原因。")
    try:
        number = clean_document_no(revocation.document_no)
    except ValueError as exc:
        raise CertificateError(str(exc)) from None
    if revocation.revoked_on is None or revocation.revoked_on > local_today():
        raise CertificateError("请填写撤销日期（不能晚于今天）。")
    if revocation.revoked_on < certificate.document_date:
        raise CertificateError("撤销日期不能早于认定日期。")
    if not certificate.is_valid:
        raise CertificateError("该证书已经撤销。")
    apply_transition(certificate.application, "revoke", actor, f"{reason}（{number}）")
    certificate.revoked_on, certificate.revoke_document_no = revocation.revoked_on, number
    certificate.revoke_reason, certificate.revoked_by_id = reason, actor.id
    audit.record("recognition.revoke", obj=certificate, actor=actor,
                 detail={"number": certificate.number, "application_id": certificate.application_id,
                         "document_no": number, "revoked_on": revocation.revoked_on.isoformat(), "reason": reason})
    notices.revoked(certificate)
    return certificate


# ---- the files ------------------------------------------------------------------------------------------------

def verify_url(certificate: Certificate) -> str:
    """The public verification address printed on the certificate (PUBLIC_BASE_URL, then /verify/<code>)."""
    return f"{current_app.config['PUBLIC_BASE_URL'].rstrip('/')}/verify/{certificate.code}"


def certificate_data(certificate: Certificate) -> CertificateData:
    return CertificateData(
        number=certificate.number, code=display_code(certificate.code), year=certificate.year,
        type_label=certificate.app_type.label, company_name=certificate.company_name,
        workshop_name=certificate.workshop_name, document_no=certificate.document_no,
        document_date=certificate.document_date, verify_url=verify_url(certificate),
        revoked=not certificate.is_valid)


def certificate_docx(certificate: Certificate) -> bytes:
    """The Word certificate, kept by its data like the archive's other generated documents (the archive holds
    every certificate of the campaign)."""
    data = certificate_data(certificate)
    return documents.get("certificate", data, lambda: build_certificate(data), generated_root())


class NoOffice(RuntimeError):
    """No LibreOffice on this server: the PDF cannot be made (the Word file can)."""


def certificate_pdf(certificate: Certificate) -> bytes:
    """The PDF (LibreOffice), cached by the Word file's content under the document folder."""
    if not office_binary():
        raise NoOffice("本服务器未安装 LibreOffice，暂不能生成 PDF 版证书，请下载 Word 版。")
    data = certificate_data(certificate)
    # The content and the code that lays it out (not the Word file's zip dates): a new layout is a new PDF.
    key = hashlib.sha256(code_version() + repr(data).encode()).hexdigest()
    cached = Path(current_app.config["DOCUMENT_FOLDER"]) / "pdf" / f"certificate-{key}.pdf"
    if cached.exists():
        return cached.read_bytes()
    with tempfile.TemporaryDirectory() as work:
        pdf = convert_to_pdf({"certificate": build_certificate(data)}, Path(work))["certificate"]
    write_atomically(cached, pdf)
    return pdf
