"""The 公示 in the province's archive ZIP: "公示/" with the notice (Word) and the objections with their handling
(Excel) and the objections' supporting files under "异议材料/". Called by exports/archives.campaign_archive."""
from webapp.core.storage import stored_path, upload_root
from webapp.documents.archive import ArchivePlan
from webapp.models import Campaign
from webapp.publicity.objections import objections_of
from webapp.publicity.documents import notice_docx, objections_xlsx
from webapp.publicity.period import publicity_of

FOLDER = "公示"


def add_publicity(plan: ArchivePlan, campaign: Campaign) -> None:
    publicity = publicity_of(campaign)
    if publicity is None:
        return
    folder = plan.folder("", FOLDER)
    data, name = notice_docx(publicity)
    plan.add_bytes(folder, name, data)
    data, name = objections_xlsx(publicity)
    plan.add_bytes(folder, name, data)
    files = [(o.reference, f) for o in objections_of(publicity) for f in o.files]
    if files:
        sub = plan.folder(folder, "异议材料")
        for reference, file in files:
            plan.add_file(sub, f"{reference}-{file.original_name}", stored_path(upload_root(), file.stored_name),
                          file.size, file.sha256, crc32=file.crc32)
