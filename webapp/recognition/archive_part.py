"""The recognition's part of the province's archive ZIP: 认定/ with the recognition list (Excel) and 电子证书/ with
every certificate as Word (as it reads today: a revoked one says so)."""
from webapp.documents.archive import ArchivePlan
from webapp.documents.certificate_docx import certificate_filename
from webapp.models import Campaign
from webapp.recognition.certificates import certificate_data, certificate_docx
from webapp.recognition.listing import certificates_of, list_workbook

FOLDER = "认定"
CERTIFICATES = "电子证书"


def recognition_documents(campaign: Campaign) -> list[tuple[str, str, bytes]]:
    """(subfolder, name, bytes) of the recognition part; empty before 认定."""
    certificates = certificates_of(campaign)
    if not certificates:
        return []
    data, name = list_workbook(campaign)
    out = [("", name, data)]
    for certificate in certificates:
        filename = certificate_filename(certificate_data(certificate))
        out.append((CERTIFICATES, f"{certificate.number}-{filename}", certificate_docx(certificate)))
    return out


def add_recognition(plan: ArchivePlan, campaign: Campaign) -> None:
    plan.add_documents(FOLDER, recognition_documents(campaign))
