"""Where an application stands with its 盖章版 (定稿): one version number for the page, the Word footer, the history
and the archive; whether the latest 盖章版 still matches the content; which stamped scan is the valid one.

The version number an application's content carries is the number of the submission it will become: while it is
editable, the number of submissions so far plus one; once submitted, the number it was submitted as.

A 盖章版 is current while nothing it shows has changed: the same version number, the same content (the footer's
fingerprint) and the same list of proof files (printed in 八). Any other change makes it stale: it has to be
generated, printed, stamped and scanned again. Pure reads of the application, no writes.
"""
import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property

from webapp.applications.versions import WriteRefused
from webapp.applications.word import content_fingerprint
from webapp.models import Application, ApplicationStatus, Attachment, AttachmentCategory, FinalPrint
from webapp.status import is_editable

STAMP = "stamp"          # Problem.kind of the checklist items about the 盖章版 and its scan


def working_version(application: Application) -> int:
    """The version number the current content carries (see the module's docstring)."""
    return application.version + 1 if is_editable(application) else application.version


def valid_scans(application: Application) -> list[Attachment]:
    """The stamped scan files that count (one scan may be several pages uploaded together); superseded ones do not."""
    return [a for a in application.attachments
            if a.category is AttachmentCategory.STAMPED_SCAN and a.superseded_at is None]


def superseded_scans(application: Application) -> list[Attachment]:
    return [a for a in application.attachments
            if a.category is AttachmentCategory.STAMPED_SCAN and a.superseded_at is not None]


def attachments_digest(application: Application) -> str:
    """A digest of the proof files the 盖章版 lists in 八 (not the stamped scan; pictures count in the content)."""
    files = sorted((a.category.value, a.original_name, a.sha256) for a in application.attachments
                   if a.category not in (AttachmentCategory.STAMPED_SCAN, AttachmentCategory.SOLUTION_PICTURE)
                   and a.superseded_at is None)
    return hashlib.sha256(json.dumps(files, ensure_ascii=False).encode("utf-8")).hexdigest()


def latest_final_print(application: Application) -> FinalPrint | None:
    return application.final_prints[-1] if application.final_prints else None


@dataclass
class PrintState:
    """The latest 盖章版 against the application as it is now."""
    application: Application
    final: FinalPrint | None

    @cached_property
    def version(self) -> int:
        return working_version(self.application)

    @cached_property
    def fingerprint(self) -> str:
        return content_fingerprint(self.application)

    @cached_property
    def digest(self) -> str:
        return attachments_digest(self.application)

    @cached_property
    def scans(self) -> list[Attachment]:
        return valid_scans(self.application)

    @property
    def stale_reason(self) -> str | None:
        """Why the latest 盖章版 no longer matches (None while it does, or when there is none)."""
        final = self.final
        if final is None:
            return None
        if final.version != self.version and not self.carried_over:
            return f"第{final.version}版已经提交过，重新提交的是第{self.version}版"
        if final.fingerprint != self.fingerprint:
            return "生成后申报书内容有修改"
        if final.attachments_digest != self.digest:
            return "生成后证明材料有增删或更换"
        return None

    @property
    def carried_over(self) -> bool:
        """During the province's 补正 the submitted 盖章版 stays valid while nothing it shows changes (an answer that
        only explains is no new version)."""
        return (self.application.status is ApplicationStatus.CORRECTION
                and self.final.version == self.application.version)

    @property
    def current(self) -> bool:
        return self.final is not None and self.stale_reason is None

    @property
    def scan_current(self) -> bool:
        """The valid stamped scan is a scan of the current 盖章版."""
        return self.current and bool(self.scans) and all(s.final_print_id == self.final.id for s in self.scans)


def print_state(application: Application) -> PrintState:
    return PrintState(application, latest_final_print(application))


RESTAMP = "修改后须重新生成盖章版并重新盖章上传"


class RestampNeeded(WriteRefused):
    """An edit that would make the current 盖章版 stale, not yet confirmed: nothing was saved."""

    def __init__(self, final: FinalPrint):
        super().__init__(f"本申报书已生成盖章版（第{final.version}版，校验码 {final.fingerprint}）。"
                         f"这次修改将使盖章版作废，{RESTAMP}。确认修改吗？")


@contextmanager
def restamp_guard(application: Application, confirmed: bool) -> Iterator[None]:
    """Around an edit (inside section_write): if the 盖章版 was current and the edit makes it stale without the
    user's confirmation, raise RestampNeeded, so that the write is rolled back and the user asked first."""
    before = print_state(application)
    if confirmed or not before.current:
        yield
        return
    yield
    if not print_state(application).current:
        raise RestampNeeded(before.final)
