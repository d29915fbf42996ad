"""A's recognition for the access test (tests/test_access.py): a certificate of last year, a 复核 of this year with a
file. The certificate's texts carry none of A's markers: its verification page is public by design."""
import io

from webapp.core.extensions import db
from webapp.models import Application, Certificate, RecheckFile, RecheckRequest
from webapp.ops.demo_files import minimal_pdf
from webapp.selection.files import store_file


def recognition_world(application: Application) -> dict:
    campaign = application.campaign
    certificate = Certificate(campaign_id=campaign.id, application=application, year=campaign.year - 1,
                              number=f"湘智标〔{campaign.year - 1}〕企-001", code="ABCDEFGHJK",
                              company_name="湖南某认定企业", app_type=application.app_type,
                              credit_code=application.enterprise.credit_code, document_no="湘工信装备〔2025〕1号",
                              document_date=application.created_at.date(), prefecture_name="长沙市")
    request = RecheckRequest(campaign_id=campaign.id, certificate=certificate, enterprise_id=application.enterprise_id,
                             unit_id=application.unit_id)
    stored = store_file(io.BytesIO(minimal_pdf("复核佐证")), "复核佐证.pdf")
    request.files.append(RecheckFile(**stored.columns()))
    db.session.add_all([certificate, request])
    db.session.flush()
    return {"certificate_id": [certificate.id], "recheck_id": [request.id], "recheck_file_id": [request.files[0].id],
            "code": [certificate.code, "0000000000"]}
