"""实名异议: filed by anyone during the 公示 (no login) against a line of the list, with the objector's real name,
单位 and phone, the grounds and optional files; anonymous objections are refused, as the rules require. A server-drawn
captcha and a per-address limit keep machines out. The province admin records 核实情况 and concludes 成立 / 不成立
with a reply (status.OBJECTION_TRANSITIONS); 成立 takes the application off the list: `not_select` (未入选), not
the 培育库, since an objection found 成立 means the application did not meet the conditions it claimed.

The objector's personal data are shown to the province admin only (never on public pages, to units, to experts,
nor in the audit trail's details)."""
import re
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from typing import BinaryIO

from flask import current_app

from webapp.accounts import captcha, throttles
from webapp.audit import trail as audit
from webapp.core.extensions import db
from webapp.core.timeutil import fmt, utcnow
from webapp.models import Objection, ObjectionFile, ObjectionState, Publicity, PublicityEntry, User
from webapp.publicity.events import day_text, removed_after_objection
from webapp.publicity.opening import listed
from webapp.publicity.period import has_ended, is_running
from webapp.selection.files import StoredFileError, store_file
from webapp.status import TransitionError, apply_objection_transition, apply_transition

THROTTLE_KEY = "objection"
MAX_FILES = 3
MAX_FILE_BYTES = 10 * 1024 * 1024
# What an objector writes instead of a name when not giving one.
ANONYMOUS = {"匿名", "无名", "无名氏", "不详", "保密", "某某", "某人", "群众", "知情人", "知情者", "一群众", "网友",
             "无", "略", "x", "xx", "xxx", "test", "anonymous", "na", "n/a"}
MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")


class ObjectionError(ValueError):
    """A refused objection or conclusion; the message (Chinese) is shown, `field` names the form field if any."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


@dataclass
class ObjectionValues:
    position: int | None            # 序号 of the line objected to
    name: str
    employer: str
    phone: str
    grounds: str
    files: list[tuple[BinaryIO, str]] = field(default_factory=list)


def _limits() -> tuple[int, timedelta]:
    config = current_app.config
    return (int(config.get("OBJECTION_ADDRESS_LIMIT", 5)),
            timedelta(minutes=int(config.get("OBJECTION_WINDOW_MINUTES", 60))))


def admission_refusal(publicity: Publicity, ip: str | None, token: str | None, answer: str | None) -> str | None:
    """The period, the address's limit and the captcha; a message when refused. Counts the attempt: the caller
    commits even when refused (the counter and the used captcha must stay)."""
    if not is_running(publicity):
        return ("公示期已结束，不再受理异议。" if has_ended(publicity)
                else f"公示期自{day_text(publicity.starts_on)}开始，届时方可提出异议。")
    if ip:
        limit, window = _limits()
        count = throttles.bump(THROTTLE_KEY, ip, window, utcnow())
        if count.failures > limit:
            return f"该网络地址提交异议次数过多，请于 {fmt(count.until, '%H:%M')}（北京时间）之后再试，或以书面形式反映。"
    if not captcha.consume(token, answer):
        return "验证码不正确或已过期，请重新输入图片中的字符。"
    return None


def _named(values: ObjectionValues) -> None:
    name, employer, phone = values.name.strip(), values.employer.strip(), re.sub(r"\s", "", values.phone)
    if not name or name.casefold() in ANONYMOUS or len(name) < 2:
        raise ObjectionError("请填写真实姓名。匿名异议不予受理。", "name")
    if not employer or employer.casefold() in ANONYMOUS:
        raise ObjectionError("请填写工作单位（以单位名义提出的，填写单位全称）。匿名异议不予受理。", "employer")
    if not (MOBILE.match(phone) or LANDLINE.match(phone)):
        raise ObjectionError("请填写有效的联系电话（手机号码，或带区号的固定电话）。匿名异议不予受理。", "phone")
    if len(values.grounds.strip()) < 10:
        raise ObjectionError("请写明异议的具体事实和理由（不少于10个字）。", "grounds")


def file_objection(publicity: Publicity, values: ObjectionValues, ip: str | None = None) -> Objection:
    """Record a named objection against a listed line (the period and the captcha are checked before, by
    admission_refusal). The caller commits."""
    if not is_running(publicity):
        raise ObjectionError("当前不在公示期内，不受理异议。")
    entry = next((e for e in listed(publicity) if e.position == values.position), None)
    if entry is None:
        raise ObjectionError("请从公示名单中选择异议对象。", "position")
    _named(values)
    files = [(stream, name) for stream, name in values.files if name]
    if len(files) > MAX_FILES:
        raise ObjectionError(f"证明材料最多 {MAX_FILES} 个文件。", "files")
    objection = Objection(publicity=publicity, entry=entry, reference=_reference(), name=values.name.strip(),
                          employer=values.employer.strip(), phone=re.sub(r"\s", "", values.phone),
                          grounds=values.grounds.strip(), ip=ip, created_at=utcnow())
    for stream, name in files:
        try:
            stored = store_file(stream, name, max_bytes=MAX_FILE_BYTES)
        except StoredFileError as refused:
            raise ObjectionError(str(refused), "files") from None
        objection.files.append(ObjectionFile(**stored.columns()))
    db.session.add(objection)
    db.session.flush()
    audit.record("objection.file", obj=objection, detail={"entry": entry.position, "company": entry.company_name,
                                                          "files": len(files)})
    return objection


def _reference() -> str:
    return f"YY{utcnow():%Y%m%d}{secrets.token_hex(3).upper()}"


def conclude_objection(objection: Objection, action: str, findings: str, reply: str, user: User) -> None:
    """成立 (`sustain`) or 不成立 (`dismiss`), with 核实情况 and the reply; 成立 takes the line off the list and the
    application out of 拟认定 (not_select, audited). The caller commits."""
    if not (findings or "").strip():
        raise ObjectionError("请填写核实情况。", "findings")
    entry: PublicityEntry = objection.entry
    try:
        apply_objection_transition(objection, action, user, reply,
                                   detail={"entry": entry.position, "company": entry.company_name})
        objection.findings = findings.strip()
        if action == "sustain" and entry.removed_at is None:
            apply_transition(entry.application, "not_select", user,
                             f"实名异议成立（受理编号 {objection.reference}），移出拟认定名单。答复：{reply.strip()}")
            entry.removed_at = utcnow()
            removed_after_objection(entry.application, reply.strip())
    except TransitionError as refused:
        raise ObjectionError(str(refused)) from None


def objections_of(publicity: Publicity) -> list[Objection]:
    return list(db.session.execute(db.select(Objection).filter_by(publicity_id=publicity.id)
                                   .order_by(Objection.created_at, Objection.id)).scalars())


def pending_count(publicity: Publicity) -> int:
    return sum(o.state is ObjectionState.PENDING for o in objections_of(publicity))
