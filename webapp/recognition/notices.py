"""Notices of recognition and revocation: to the enterprise's accounts and to its unit's recommenders."""
from webapp.models import Certificate
from webapp.notices.events import enterprise_people, unit_people
from webapp.notices.inbox import notify, path_for


def _tell(certificate: Certificate, kind: str, subject: str, body: str) -> None:
    application = certificate.application
    for user in enterprise_people(application.enterprise_id):
        notify(user, kind, subject, body, path_for("recognition_results.mine"))
    for user in unit_people(application.unit_id):
        notify(user, kind, f"{certificate.company_name}：{subject}", body, path_for("recognition_results.unit"))


def recognised(certificate: Certificate) -> None:
    _tell(certificate, "recognition.recognised", f"已认定为{certificate.year}年湖南省智能制造{certificate.app_type.label}",
          f"经企业自愿申报、市州审核推荐、专家评审和公示，{certificate.company_name}"
          f"{('（' + certificate.workshop_name + '）') if certificate.workshop_name else ''}"
          f"被认定为{certificate.year}年湖南省智能制造{certificate.app_type.label}（{certificate.document_no}）。"
          f"证书编号 {certificate.number}，可在系统中下载电子证书。")


def revoked(certificate: Certificate) -> None:
    _tell(certificate, "recognition.revoked", f"{certificate.year}年湖南省智能制造{certificate.app_type.label}认定已撤销",
          f"{certificate.company_name}的认定（证书编号 {certificate.number}）已于{certificate.revoked_on:%Y年%m月%d日}"
          f"撤销，文号 {certificate.revoke_document_no}。原因：{certificate.revoke_reason}")
