"""What goes into the archive ZIPs and the province summary: `unit_archive`, `campaign_archive` and `summary_workbook`
read the database and return plain data that the routes (exports/views.py) and the CLI (`flask export-archive`,
`flask export-summary`) share; documents/archive.py streams it without touching the database.

What an archive holds:
- The unit's ZIP (推荐单位): its folder "<unit>" with its 推荐汇总表 and, per recommended application in 序号 order,
  "<序号>-<企业名称>" (序号 zero-padded to two digits, so folders sort as in the 汇总表).
- The province's archive (省厅): "manifest.csv" and the province summary workbook at the top, then per unit, in
  prefecture order, "<NN>-<unit>" with the same part plus the applications whose submission stands without being
  recommended, under "未推荐及其他/<状态>-<企业名称>" (未推荐, and 已提交 still awaiting the unit's decision), so the
  province keeps every submitted 申报书. The province sees reported lists only: a unit that has not 报送 has its
  汇总表 marked 未报送 (no rows, no 填报日期) and its provisional recommendations under
  "未推荐及其他/已推荐（未报送）-<企业名称>". Drafts are not archived, nor are applications returned for revision (退回修改):
  their submission was sent back and their attachments are being changed; they come in again once resubmitted.
  With `unit`, the archive holds that unit's part only (same folder name, no province workbook).
- Per application: the Word file frozen at its latest submission ("湖南省智能制造标杆申报书-<企业名称>.docx") and its
  attachments in one folder per category ("（一）企业营业执照复印件/…", "盖章申报书扫描件/…", "技术方案配图/环节1场景2-…");
  of the stamped scans only the valid one (a scan replaced by a later one is 已作废 and stays out). The manifest gives
  the 申报书 and its scan their 版本 and 校验码.
"""
import functools
import gc
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter

from sqlalchemy import Row, case, func

from webapp.documents.archive import Archive, ArchiveIntegrityError, ArchivePlan
from webapp.documents.content_cache import documents
from webapp.documents.docx_builder import docx_filename_of
from webapp.documents.summary_xlsx import UnitSummary, build_province_workbook, build_unit_workbook
from webapp.core.extensions import db
from webapp.documents.letter_docx import build_letter, letter_filename
from webapp.models import (
    RECOMMENDED_STATES, Application, ApplicationLink, ApplicationScenario, ApplicationStatus as S, Attachment, AttachmentCategory,
    Campaign, Enterprise, RecommendingUnit, Snapshot,
)
from webapp.publicity.archive import add_publicity
from webapp.recognition.archive_part import add_recognition
from webapp.review.letter import letter_files
from webapp.review.report import get_report
from webapp.selection.review_export import review_documents
from webapp.review.summary import export_filename, recommended_applications, unit_summary
from webapp.core.storage import generated_root, stored_location, stored_path, upload_root
from webapp.applications.word import frozen_path

ARCHIVED = (S.SUBMITTED, *RECOMMENDED_STATES, S.NOT_RECOMMENDED)
OTHERS = (S.NOT_RECOMMENDED, S.SUBMITTED)
OTHERS_FOLDER = "未推荐及其他"
NOT_REPORTED_LABEL = "已推荐（未报送）"
ZIP_TITLE = "{year}年湖南省智能制造标杆申报材料-{scope}.zip"
PROVINCE_SUMMARY = "{year}年湖南省智能制造标杆推荐汇总表-全省.xlsx"
PROVINCE = "全省"
REVIEW_FOLDER = "评审"


@dataclass
class ArchiveExport:
    archive: Archive
    filename: str
    detail: dict            # for the audit record


# ---- collecting ---------------------------------------------------------------------------------------------------

def _without_gc_passes(collect):
    """Collecting an archive makes some 100,000 objects that all live until it is sent, and the garbage collector's
    passes, set off by each few hundred new ones, went over them again and again: a sixth of the time before the
    first byte (docs/PERFORMANCE.md). It creates no reference cycles to free, so the collector waits until it ends."""
    @functools.wraps(collect)
    def collecting(*args, **kwargs):
        if not gc.isenabled():
            return collect(*args, **kwargs)
        gc.disable()
        try:
            return collect(*args, **kwargs)
        finally:
            gc.enable()
    return collecting


def units_in_order() -> list[RecommendingUnit]:
    return list(db.session.execute(db.select(RecommendingUnit).order_by(RecommendingUnit.prefecture_adcode)).scalars())


@_without_gc_passes
def unit_archive(campaign: Campaign, unit: RecommendingUnit) -> ArchiveExport:
    """The unit's own ZIP: its 汇总表 and its recommended applications."""
    plan = ArchivePlan()
    recommended = recommended_applications(campaign.id, unit.id)
    _add_unit(plan, plan.folder("", unit.name), campaign, unit, recommended, unit_summary(campaign, unit, recommended),
              others=False)
    return _export(plan, ZIP_TITLE.format(year=campaign.year, scope=unit.name), campaign, unit)


@_without_gc_passes
def campaign_archive(campaign: Campaign, unit: RecommendingUnit | None = None) -> ArchiveExport:
    """The province's archive of the campaign (or of one unit's part)."""
    plan = ArchivePlan()
    numbered = [(number, u) for number, u in enumerate(units_in_order(), start=1) if unit is None or u.id == unit.id]
    parts = []
    for number, u in numbered:
        reported = _is_reported(campaign, u)
        recommended = recommended_applications(campaign.id, u.id) if reported else []
        parts.append((number, u, recommended, _province_view(campaign, u, recommended, reported)))
    if unit is None:
        summaries = [summary for *_, summary in parts]
        plan.add_bytes("", PROVINCE_SUMMARY.format(year=campaign.year),
                       _province_workbook(campaign.year, summaries))
        _add_review(plan, campaign)
        add_publicity(plan, campaign)
        add_recognition(plan, campaign)
    for number, u, recommended, summary in parts:
        _add_unit(plan, plan.folder("", f"{number:02d}-{u.name}"), campaign, u, recommended, summary, others=True,
                  reported=not summary.unreported)
    return _export(plan, ZIP_TITLE.format(year=campaign.year, scope=unit.name if unit else PROVINCE), campaign, unit)


def summary_workbook(campaign: Campaign, unit: RecommendingUnit | None = None) -> tuple[bytes, str]:
    """The province summary (all-units sheet and one sheet per unit), or one unit's 附件3; with its file name.

    Only reported lists count: a unit that has not 报送 appears as 未报送."""
    if unit is not None:
        return _unit_workbook(_province_view(campaign, unit)), export_filename(campaign, unit)
    summaries = [_province_view(campaign, u) for u in units_in_order()]
    return _province_workbook(campaign.year, summaries), PROVINCE_SUMMARY.format(year=campaign.year)


def _unit_workbook(summary: UnitSummary) -> bytes:
    return documents.get("unit-workbook", summary, lambda: build_unit_workbook(summary), generated_root())


def _province_workbook(year: int, summaries: list[UnitSummary]) -> bytes:
    return documents.get("province-workbook", (year, summaries), lambda: build_province_workbook(year, summaries),
                         generated_root())


def _is_reported(campaign: Campaign, unit: RecommendingUnit) -> bool:
    report = get_report(campaign.id, unit.id)
    return report is not None and report.is_reported


def _province_view(campaign: Campaign, unit: RecommendingUnit, recommended: list[Application] | None = None,
                   reported: bool | None = None) -> UnitSummary:
    """A unit's 汇总表 as the province sees it: the reported list, or 未报送 (no rows, no 填报日期)."""
    if not (_is_reported(campaign, unit) if reported is None else reported):
        return UnitSummary(year=campaign.year, unit_name=unit.name, unreported=True)
    return unit_summary(campaign, unit, recommended)


def _export(plan: ArchivePlan, filename: str, campaign: Campaign, unit: RecommendingUnit | None) -> ArchiveExport:
    archive = plan.build()
    detail = {"campaign": campaign.year, "unit": unit.name if unit else PROVINCE, "files": archive.file_count - 1,
              "bytes": archive.size}
    return ArchiveExport(archive, filename, detail)


def _add_unit(plan: ArchivePlan, folder: str, campaign: Campaign, unit: RecommendingUnit,
              recommended: list[Application], summary: UnitSummary, *, others: bool, reported: bool = True) -> None:
    plan.add_bytes(folder, export_filename(campaign, unit), _unit_workbook(summary))
    _add_letter(plan, folder, campaign, unit)
    snapshots = _latest_snapshots(campaign.id, unit.id)
    files = _attachments(campaign.id, unit.id)
    width = max(2, len(str(len(recommended))))
    for application in recommended:
        company = application.applicant_name
        target = plan.folder(folder, f"{application.recommend_order or 0:0{width}d}-{company}")
        _add_application(plan, target, application.id, company, snapshots.get(application.id),
                         files.get(application.id, []))
    if not others:
        return
    standing = OTHERS if reported else (*OTHERS, S.RECOMMENDED)
    # Plain rows: only their folder's name is needed, and an ORM object each cost more than the query.
    rest = db.session.execute(
        db.select(Application.id, Application.status, Application.company_name, Enterprise.name)
        .join(Enterprise, Enterprise.id == Application.enterprise_id)
        .where(Application.campaign_id == campaign.id, Application.unit_id == unit.id, Application.status.in_(standing))
        .order_by(Application.status, Application.company_name, Application.id)).all()
    if rest:
        others_folder = plan.folder(folder, OTHERS_FOLDER)
        for application_id, status, company_name, enterprise_name in rest:
            company = company_name or enterprise_name       # Application.applicant_name, from plain rows
            label = NOT_REPORTED_LABEL if status is S.RECOMMENDED else status.label
            target = plan.folder(others_folder, f"{label}-{company}")
            _add_application(plan, target, application_id, company, snapshots.get(application_id),
                             files.get(application_id, []))


def _add_letter(plan: ArchivePlan, folder: str, campaign: Campaign, unit: RecommendingUnit) -> None:
    """The unit's 推荐函 (Word) and its stamped scan, once the list is reported."""
    report = get_report(campaign.id, unit.id)
    if report is None or not report.is_reported:
        return
    data, scan = letter_files(campaign, unit, report)
    plan.add_bytes(folder, letter_filename(data),
                   documents.get("letter", data, lambda: build_letter(data), generated_root()))
    if scan is not None:
        plan.add_file(folder, f"推荐函盖章扫描件-{scan.original_name}", stored_path(upload_root(), scan.stored_name),
                      scan.size, scan.sha256, crc32=scan.crc32)


def _add_review(plan: ArchivePlan, campaign: Campaign) -> None:
    """评审/: the 评审汇总表 and 专家评分表/ with each expert's signed-sheet document."""
    plan.add_documents(REVIEW_FOLDER, review_documents(campaign))


def _in_scope(campaign_id: int, unit_id: int):
    return (Application.campaign_id == campaign_id, Application.unit_id == unit_id, Application.status.in_(ARCHIVED))


def _latest_snapshots(campaign_id: int, unit_id: int) -> dict[int, Row]:
    """The latest submission's frozen Word file of each archived application: plain rows of the columns the archive
    names and checks it by (about a thousand ORM objects cost more than the query), read from the index that holds
    them all (ix_snapshot_frozen_docx), not from the rows with their data."""
    later = db.aliased(Snapshot)
    query = (db.select(Snapshot.application_id, Snapshot.version, Snapshot.fingerprint, Snapshot.docx_stored_name,
                       Snapshot.docx_size, Snapshot.docx_sha256, Snapshot.docx_crc32)
             .join(Application, Application.id == Snapshot.application_id).where(*_in_scope(campaign_id, unit_id))
             .where(Snapshot.version == db.select(func.max(later.version))
                    .where(later.application_id == Snapshot.application_id).scalar_subquery()))
    return {row.application_id: row for row in db.session.execute(query)}


_ATTACHMENT_COLUMNS = (Attachment.category, Attachment.original_name, Attachment.stored_name, Attachment.size,
                       Attachment.sha256, Attachment.crc32, Attachment.document_version,
                       Attachment.document_fingerprint, ApplicationLink.position, ApplicationScenario.position)


def _attachments(campaign_id: int, unit_id: int) -> dict[int, list[tuple]]:
    """Each archived application's attachments in the archive's order (by category, then as uploaded), as plain
    tuples of `_ATTACHMENT_COLUMNS`: a row's attributes are looked up by name, which cost 0.1 s over 12,000 rows."""
    category_order = case({category.value: index for index, category in enumerate(AttachmentCategory)},
                          value=Attachment.category)      # the stored values: case() binds its keys untyped
    rows = db.session.execute(
        db.select(Attachment.application_id, *_ATTACHMENT_COLUMNS)
        .join(Application, Application.id == Attachment.application_id)
        .outerjoin(ApplicationScenario, ApplicationScenario.id == Attachment.app_scenario_id)
        .outerjoin(ApplicationLink, ApplicationLink.id == ApplicationScenario.app_link_id)
        # Stamped scans replaced by a later one (已作废) stay in the history, not in the archives.
        .where(*_in_scope(campaign_id, unit_id), Attachment.superseded_at.is_(None))
        .order_by(Attachment.application_id, category_order, Attachment.id))
    return {application_id: [row[1:] for row in group] for application_id, group in groupby(rows, itemgetter(0))}


def _add_application(plan: ArchivePlan, folder: str, application_id: int, company: str, snapshot: Row | None,
                     attachments: list[tuple]) -> None:
    if snapshot is None or not snapshot.docx_stored_name:
        raise ArchiveIntegrityError(f"申报书“{company}”（编号 {application_id}）没有提交时生成的 Word 文件")
    try:
        word_file = frozen_path(snapshot)
    except ValueError as exc:
        raise ArchiveIntegrityError(f"申报书“{company}”的存储名无效：{exc}") from exc
    plan.add_file(folder, docx_filename_of(company), word_file, snapshot.docx_size, snapshot.docx_sha256,
                  crc32=snapshot.docx_crc32, version=snapshot.version, fingerprint=snapshot.fingerprint)
    uploads = str(upload_root())
    category_folders: dict[AttachmentCategory, str] = {}
    for (category, original_name, stored_name, size, sha256, crc32, version, fingerprint, link_position,
         scenario_position) in attachments:
        category_folder = category_folders.get(category)
        if category_folder is None:
            category_folder = category_folders[category] = plan.folder(folder, category.label)
        name = original_name
        if category is AttachmentCategory.SOLUTION_PICTURE and link_position and scenario_position:
            name = f"环节{link_position}场景{scenario_position}-{name}"
        try:
            source = stored_location(uploads, stored_name)
        except ValueError as exc:
            raise ArchiveIntegrityError(f"附件“{original_name}”的存储名无效：{exc}") from exc
        plan.add_file(category_folder, name, source, size, sha256, crc32=crc32, version=version,
                      fingerprint=fingerprint)


