"""The unit's 推荐函: generated from its recommended list, printed, stamped, scanned and uploaded before 报送.

The print–stamp–scan rule of the enterprise's 盖章版 applies: the letter's footer carries a fingerprint of its content
(the list in order and the date); the uploaded scan records the fingerprint printed on it, and 报送 needs a scan whose
fingerprint is that of the current letter. Changing the list or the 填报日期 afterwards makes the scan stale.
"""
import re
from dataclasses import dataclass
from typing import BinaryIO

from webapp.audit import trail as audit
from webapp.core.extensions import db
from webapp.core.timeutil import local_today
from webapp.documents.letter_docx import LetterData, LetterLine
from webapp.models import (
    RECOMMENDED_STATES, Application, ApplicationType, Campaign, LetterScan, RecommendingUnit, UnitReport, User,
)
from webapp.selection.files import StoredFileError, store_file

SCAN_LIMIT = 20 * 1024 * 1024
_FINGERPRINT = re.compile(r"^[0-9a-f]{12}$")


class LetterError(ValueError):
    """A refused scan; the message is for the user."""


def letter_data(campaign: Campaign, unit: RecommendingUnit, report: UnitReport | None) -> LetterData:
    rows = db.session.execute(
        db.select(Application.recommend_order, Application.app_type, Application.company_name,
                  Application.workshop_name)
        .where(Application.campaign_id == campaign.id, Application.unit_id == unit.id,
               Application.status.in_(RECOMMENDED_STATES))
        .order_by(Application.recommend_order, Application.id)).all()
    lines = tuple(LetterLine(order or 0, app_type.label if app_type else "", name or "",
                             (workshop or "") if app_type is ApplicationType.WORKSHOP else "")
                  for order, app_type, name, workshop in rows)
    letter_date = report.fill_date if report is not None and report.fill_date else local_today()
    return LetterData(campaign.year, unit.name, letter_date, lines)


def latest_scan(report: UnitReport | None) -> LetterScan | None:
    if report is None or report.id is None:
        return None
    return db.session.execute(db.select(LetterScan).filter_by(report_id=report.id)
                              .order_by(LetterScan.id.desc()).limit(1)).scalar_one_or_none()


@dataclass(frozen=True)
class LetterStatus:
    data: LetterData
    scan: LetterScan | None

    @property
    def scan_matches(self) -> bool:
        return self.scan is not None and self.scan.fingerprint == self.data.fingerprint

    @property
    def problem(self) -> str | None:
        """Why 报送 cannot go ahead yet because of the letter; None when its current scan is uploaded."""
        if self.scan is None:
            return "请先下载推荐函，打印盖章后上传扫描件，再报送。"
        if not self.scan_matches:
            return (f"推荐函扫描件的校验码（{self.scan.fingerprint}）与当前推荐函（{self.data.fingerprint}）不一致："
                    "上传后推荐名单、顺序或填报日期有变化。请重新下载推荐函，打印盖章后上传扫描件。")
        return None


def letter_status(campaign: Campaign, unit: RecommendingUnit, report: UnitReport | None) -> LetterStatus:
    return LetterStatus(letter_data(campaign, unit, report), latest_scan(report))


def upload_scan(report: UnitReport, unit: RecommendingUnit, user: User, stream: BinaryIO, name: str | None,
                fingerprint: str | None) -> LetterScan:
    """Keep the stamped scan with the fingerprint printed on it (the current letter's when left empty)."""
    stamp = re.sub(r"[\s\-]", "", fingerprint or "").lower()
    current = letter_data(report.campaign, unit, report).fingerprint
    if stamp and not _FINGERPRINT.match(stamp):
        raise LetterError("校验码格式不正确：请填写推荐函页脚上印的12位校验码（数字 0–9 和字母 a–f）。")
    try:
        stored = store_file(stream, name, max_bytes=SCAN_LIMIT)
    except StoredFileError as exc:
        raise LetterError(str(exc)) from None
    scan = LetterScan(report=report, fingerprint=stamp or current, uploaded_by_id=user.id, **stored.columns())
    db.session.add(scan)
    db.session.flush()
    audit.record("report.letter_scan", obj=scan, actor=user,
                 detail={"unit": unit.name, "name": scan.original_name, "fingerprint": scan.fingerprint,
                         "current": current, "sha256": scan.sha256})
    return scan


def letter_files(campaign: Campaign, unit: RecommendingUnit,
                 report: UnitReport | None) -> tuple[LetterData, LetterScan | None]:
    """For the archive: the letter's data (its Word file is built from it) and its latest stamped scan."""
    status = letter_status(campaign, unit, report)
    return status.data, status.scan
