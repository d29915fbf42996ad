"""The recognition list of a campaign (its certificates in number order) as rows and as a workbook, shared by the
admin's page, the `export-recognition` command and the archive; and what an enterprise or a unit sees of it."""
from webapp.core.extensions import db
from webapp.documents.recognition_xlsx import build_recognition_list
from webapp.models import Application, Campaign, Certificate
from webapp.recognition.codes import display_code


def certificates_of(campaign: Campaign) -> list[Certificate]:
    return list(db.session.execute(db.select(Certificate).filter_by(campaign_id=campaign.id)
                                   .order_by(Certificate.app_type, Certificate.number)).scalars())


def list_row(certificate: Certificate) -> tuple[str, ...]:
    revoked = certificate.revoked_on
    return (certificate.number, display_code(certificate.code), certificate.company_name,
            certificate.app_type.label, certificate.workshop_name, certificate.prefecture_name,
            certificate.credit_code, certificate.document_no, certificate.document_date.isoformat(),
            certificate.status_label, revoked.isoformat() if revoked else "", certificate.revoke_document_no or "")


def list_workbook(campaign: Campaign) -> tuple[bytes, str]:
    rows = [list_row(c) for c in certificates_of(campaign)]
    return build_recognition_list(campaign.year, rows), f"{campaign.year}年湖南省智能制造标杆认定名单.xlsx"


def enterprise_certificates(enterprise_id: int) -> list[Certificate]:
    """Every recognition of the enterprise, latest year first (shown on its home page)."""
    return list(db.session.execute(
        db.select(Certificate).join(Certificate.application).where(Application.enterprise_id == enterprise_id)
        .order_by(Certificate.year.desc(), Certificate.number)).scalars())


def unit_certificates(unit_id: int) -> list[Certificate]:
    """The recognitions of the unit's prefecture, latest year first."""
    return list(db.session.execute(
        db.select(Certificate).join(Certificate.application).where(Application.unit_id == unit_id)
        .order_by(Certificate.year.desc(), Certificate.app_type, Certificate.number)).scalars())
