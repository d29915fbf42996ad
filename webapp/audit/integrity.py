"""Checking the audit chain, and archiving records older than the retention period to a signed file.

`verify_chain()` walks every record in sequence and names the first that does not fit: a number missing or out of
place (a record deleted or inserted), a previous hash that is not its predecessor's, a hash that does not match its
fields (a record changed), a record without a place in the chain (written around the application). The archives
(table audit_archive) are checked too: their signature (HMAC-SHA256 with SECRET_KEY) and that the first remaining
record follows the last archived one.

`archive_before()` writes the records older than a date (at least six months old: 等保三级 keeps six months) to a
JSON-lines file with a signature file beside it, registers the archive, and only then deletes those records: the
database triggers allow deleting exactly the records an archive covers, nothing else.
"""
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app

from webapp.audit.chain import FIELDS, digest
from webapp.core.extensions import db
from webapp.core.files import write_atomically
from webapp.core.timeutil import utcnow
from webapp.models import AuditArchive, AuditRecord, AuditSeal
from webapp.models.audit import GENESIS

RETENTION_DAYS = 183        # six months
BATCH = 2000


@dataclass(frozen=True)
class Broken:
    record_id: int | None
    seq: int | None
    reason: str


@dataclass(frozen=True)
class ChainReport:
    checked: int
    last_seq: int
    broken: Broken | None


def _sign(text: str | bytes) -> str:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return hmac.new(current_app.secret_key.encode(), data, hashlib.sha256).hexdigest()


def archive_signature(archive: AuditArchive) -> str:
    return _sign(f"{archive.up_to_seq}|{archive.last_hash}|{archive.before.isoformat()}|{archive.file_name}|"
                 f"{archive.file_sha256}|{archive.records}")


def _start() -> tuple[int, str, Broken | None]:
    """Where the live chain starts: after the last archive (its signature checked), or at the beginning."""
    seq, last = 0, GENESIS
    for archive in db.session.execute(db.select(AuditArchive).order_by(AuditArchive.up_to_seq)).scalars():
        if not hmac.compare_digest(archive.signature, archive_signature(archive)):
            return seq, last, Broken(None, archive.up_to_seq, f"归档记录（截至第 {archive.up_to_seq} 条）的签名不符")
        seq, last = archive.up_to_seq, archive.last_hash
    return seq, last, None


def _record_problem(record: AuditRecord, seq: int, last: str) -> str | None:
    if record.seq != seq + 1:
        return f"序号应为 {seq + 1}，实为 {record.seq}（其前的记录被删除或插入了记录）"
    if record.prev_hash != last:
        return "前一条记录的哈希值不符（其前的记录被修改、删除或替换）"
    if record.hash != digest(last, record.seq, {name: getattr(record, name) for name in FIELDS}):
        return "本条记录的内容与其哈希值不符（本条记录被修改）"
    return None


def verify_chain() -> ChainReport:
    seq, last, broken = _start()
    if broken:
        return ChainReport(0, seq, broken)
    outside = db.session.execute(db.select(AuditRecord.id).where(AuditRecord.seq.is_(None))
                                 .order_by(AuditRecord.id).limit(1)).scalar()
    if outside is not None:
        return ChainReport(0, seq, Broken(outside, None, "记录不在哈希链中（绕过系统直接写入数据库）"))
    checked = 0
    query = db.select(AuditRecord).where(AuditRecord.seq > seq).order_by(AuditRecord.seq)
    for record in db.session.execute(query.execution_options(yield_per=BATCH)).scalars():
        problem = _record_problem(record, seq, last)
        if problem:
            return ChainReport(checked, seq, Broken(record.id, record.seq, problem))
        seq, last, checked = record.seq, record.hash, checked + 1
    head = db.session.get(AuditSeal, 1)
    if head is not None and (head.seq, head.hash) != (seq, last):
        return ChainReport(checked, seq, Broken(None, head.seq, f"链尾记录为第 {head.seq} 条，但只找到第 {seq} 条"
                                                               "（最后的记录被删除）"))
    return ChainReport(checked, seq, None)


def _as_json(record: AuditRecord) -> str:
    values = {name: getattr(record, name) for name in ("id", "seq", "prev_hash", "hash", *FIELDS)}
    values["created_at"] = record.created_at.isoformat(timespec="microseconds")
    return json.dumps(values, ensure_ascii=False, sort_keys=True)


class ArchiveError(Exception):
    """Archiving refused; the message says why (Chinese)."""


def archive_before(before: datetime, folder: Path, now: datetime | None = None) -> AuditArchive | None:
    """Write the records created before `before` to a signed file in `folder`, then delete them. None: none."""
    now = now or utcnow()
    if before > now - timedelta(days=RETENTION_DAYS):
        raise ArchiveError(f"审计记录至少保存六个月：只能归档 {(now - timedelta(days=RETENTION_DAYS)):%Y-%m-%d} 之前的记录。")
    report = verify_chain()
    if report.broken:
        raise ArchiveError(f"哈希链在第 {report.broken.seq} 条处断开（{report.broken.reason}），请先查明原因，未归档。")
    first_kept = db.session.execute(db.select(db.func.min(AuditRecord.seq)).where(
        AuditRecord.created_at >= before)).scalar()
    condition = AuditRecord.seq < first_kept if first_kept is not None else AuditRecord.seq.is_not(None)
    records = list(db.session.execute(db.select(AuditRecord).where(condition).order_by(AuditRecord.seq)).scalars())
    if not records:
        return None
    lines = [_as_json(record) for record in records]
    data = ("\n".join(lines) + "\n").encode("utf-8")
    name = f"audit-{records[0].seq:09d}-{records[-1].seq:09d}-{before:%Y%m%d}.jsonl"
    folder.mkdir(parents=True, exist_ok=True)
    write_atomically(folder / name, data)
    write_atomically(folder / (name + ".sig"), (_sign(data) + "\n").encode())
    archive = AuditArchive(created_at=now, up_to_seq=records[-1].seq, last_hash=records[-1].hash, before=before,
                           file_name=name, file_sha256=hashlib.sha256(data).hexdigest(), records=len(records),
                           signature="")
    archive.signature = archive_signature(archive)
    db.session.add(archive)
    db.session.flush()
    db.session.execute(db.delete(AuditRecord).where(AuditRecord.seq <= archive.up_to_seq))
    return archive


def verify_archive_file(path: Path) -> str | None:
    """A problem of an archive file (signature, chain inside), or None."""
    data = path.read_bytes()
    signature = Path(str(path) + ".sig").read_text().strip() if Path(str(path) + ".sig").exists() else ""
    if not hmac.compare_digest(signature, _sign(data)):
        return "签名不符（文件被修改，或不是本系统生成的归档）"
    previous = None
    for number, line in enumerate(data.decode("utf-8").splitlines(), start=1):
        values = json.loads(line)
        values["created_at"] = datetime.fromisoformat(values["created_at"])
        last = values["prev_hash"] if previous is None else previous
        if values["prev_hash"] != last or values["hash"] != digest(last, values["seq"], values):
            return f"第 {number} 行（序号 {values['seq']}）与哈希链不符"
        previous = values["hash"]
    return None
