"""Section versions, the compare-and-set claim, and the one way a request writes to a section.

Every section of an application has a version. A form carries the version it was opened at; a save claims the next
version in one UPDATE that succeeds only if nobody saved in between (SaveConflict otherwise), so two people editing
the same section never silently overwrite each other. section_write() wraps every write of the editor (a section
form, a 环节/场景 block, an upload or a deletion): write lock, editable check on current data, claim, change, commit;
sections_write() is the same for a change of several sections at once (an import from Word).
Each change also leaves a SectionSave row (who, when, which version, through which endpoint): the history and the
unit's "what changed" name who saved, and a colleague with the same section open sees it.
"""
from collections.abc import Iterator
from contextlib import contextmanager

from flask import has_request_context, request
from sqlalchemy.exc import IntegrityError

from webapp.audit import trail as audit
from webapp.core.extensions import begin_writes, db, finish_writes
from webapp.core.locks import lock_row
from webapp.core.timeutil import fmt, utcnow
from webapp.models import Application, SectionSave, SectionVersion, User
from webapp.status import is_editable


class WriteRefused(Exception):
    """A write that was not made; the message is for the user. Nothing has changed."""


class NotEditable(WriteRefused):
    """The application left the editable states (submitted meanwhile, or never editable)."""

    def __init__(self, application: Application, suffix: str = ""):
        if is_editable(application):        # a 补正 is open, for other sections
            super().__init__(f"省厅形式审查要求补正的部分不包括这一部分，不能修改。{suffix}")
        else:
            super().__init__(f"申报书当前状态为“{application.status.label}”，不能修改。{suffix}")


class SaveConflict(WriteRefused):
    """Someone saved the same section after this form was opened."""


def section_version(application: Application, key: str, *, create: bool = False) -> SectionVersion:
    """The section's version row. A missing one reads as version 0 and is only stored with `create` (by a save):
    a page that merely shows the section writes nothing."""
    for row in application.section_versions:
        if row.section == key:
            return row
    if not create:
        return SectionVersion(section=key, version=0)
    # Two first saves at once may both find no row: the loser's insert is undone (savepoint) and it reads the winner's.
    try:
        with db.session.begin_nested():
            db.session.execute(db.insert(SectionVersion).values(application_id=application.id, section=key, version=0))
    except IntegrityError:
        pass
    db.session.expire(application, ["section_versions"])
    return next(row for row in application.section_versions if row.section == key)


def posted_version(value: str | None) -> int:
    """The section version a page was opened at; anything but a number (a tampered field) cannot match."""
    try:
        return int(value or 0)
    except ValueError:
        return -1


def claim_section(application: Application, key: str, expected_version: int, user: User) -> int:
    """Compare-and-set the section's version in one UPDATE, so two concurrent saves cannot both win.

    Raises SaveConflict with who saved and when if the version moved on since the form was opened.
    """
    current = section_version(application, key, create=True)
    row_id = current.id         # read now: a rollback below may take a row made by this transaction with it
    result = db.session.execute(
        db.update(SectionVersion)
        .where(SectionVersion.id == row_id, SectionVersion.version == expected_version)
        .values(version=expected_version + 1, saved_at=utcnow(), saved_by_id=user.id)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        db.session.rollback()
        raise _conflict(row_id)
    db.session.refresh(current)
    application.updated_at = utcnow()
    record_save(application, key, user, expected_version + 1, current.saved_at)
    return expected_version + 1


def record_save(application: Application, key: str, user: User | None, version: int | None, at) -> None:
    """Who changed the section, when, to which version, and how (the endpoint: a form, a block, an upload)."""
    source = (request.endpoint or "") if has_request_context() else "command"
    db.session.add(SectionSave(application_id=application.id, section=key, version=version,
                               user_id=getattr(user, "id", None), saved_at=at or utcnow(), source=source[:60]))


def _conflict(row_id: int) -> SaveConflict:
    latest = db.session.get(SectionVersion, row_id)
    if latest is None or latest.saved_at is None:
        # Never saved (a row made just now went with the rollback): the page sent no valid version.
        return SaveConflict("页面的版本信息无效或已过期，为避免覆盖，您这次的内容没有保存，仍保留在下方表单中。"
                            "请先复制您的修改，点击“载入最新内容”后再保存。")
    db.session.refresh(latest)
    who = db.session.get(User, latest.saved_by_id) if latest.saved_by_id else None
    return SaveConflict(
        f"此部分已在您打开之后被{('“' + who.display_name + '”') if who else '他人'}于 {fmt(latest.saved_at)} 保存过"
        f"（版本 {latest.version}）。为避免覆盖，您这次的内容没有保存，仍保留在下方表单中。"
        "请先复制您的修改，点击“载入最新内容”查看后再合并保存。")


def bump_section(application: Application, key: str, user: User | None, saved_as: str | None = None) -> None:
    """Record a change of the section without a version check (uploads never conflict): one UPDATE.

    `saved_as`: the section the change belongs to in the save history when it is another (a 场景's picture is
    stored with 八's uploads but written as part of 三)."""
    row = section_version(application, key, create=True)
    now = utcnow()
    db.session.execute(
        db.update(SectionVersion).where(SectionVersion.id == row.id)
        .values(version=SectionVersion.version + 1, saved_at=now, saved_by_id=getattr(user, "id", None))
        .execution_options(synchronize_session=False))
    application.updated_at = now
    record_save(application, saved_as or key, user, None, now)


class SectionClaims:
    """What a write of several sections claims, one section at a time (see sections_write). During a 补正 each
    section must be one the province asked for (NotEditable otherwise: nothing is written)."""

    def __init__(self, application: Application, user: User):
        self.application, self.user = application, user

    def _check(self, key: str) -> None:
        if not is_editable(self.application, key):
            raise NotEditable(self.application)

    def claim(self, key: str, version: int) -> int:
        """Claim `key` at the version the change was prepared from (SaveConflict if it moved on)."""
        self._check(key)
        new_version = claim_section(self.application, key, version, self.user)
        # Who changed which section of which application (not the content: that is in the application's history).
        audit.record("application.section_save", obj=self.application, actor=self.user,
                     detail={"section": key, "version": new_version})
        return new_version

    def bump(self, key: str, saved_as: str | None = None) -> None:
        """Record a change of `key` that never conflicts (a stored file; `saved_as` as in bump_section)."""
        self._check(saved_as or key)
        bump_section(self.application, key, self.user, saved_as)


@contextmanager
def sections_write(application: Application, user: User, scope: str | None = None) -> Iterator[SectionClaims]:
    """Write to any sections of an application in one transaction (an import from Word writes several at once):

    take the write lock (objects read so far are read again), refuse if the application is no longer editable
    (NotEditable; with `scope`, if that section is not: during a 补正 only the sections asked are), let the caller
    claim each section it changes (SaveConflict if someone saved it since: nothing is written) and make the change,
    commit. An exception in the block rolls everything back.
    """
    begin_writes()
    # The application row is locked before its state is checked: a submission at the same moment either commits
    # first (and this write is refused) or waits until this one is in (and in its snapshot).
    lock_row(application)
    if not is_editable(application, scope):
        db.session.rollback()
        raise NotEditable(application)
    try:
        yield SectionClaims(application, user)
    except BaseException:
        db.session.rollback()
        raise
    finish_writes()


@contextmanager
def section_write(application: Application, key: str, user: User, version: int | None = None, *,
                  scope: str | None = None) -> Iterator[int | None]:
    """Write to one section of an application, the way the editor changes anything: sections_write, claiming the
    section's `version` first. Yields the new version. With `version` None nothing is claimed: uploads never
    conflict and record each stored file with bump_section. `scope`: the section whose editability decides (during
    a 补正), when it is not `key` (a 场景 picture or the stamped scan stored with 八).
    """
    with sections_write(application, user, scope or key) as claims:
        yield claims.claim(key, version) if version is not None else None
