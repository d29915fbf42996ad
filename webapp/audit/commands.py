"""Audit commands for the server console: `flask --app wsgi verify-audit`, `flask --app wsgi audit-archive …`."""
from datetime import datetime
from pathlib import Path

import click
from flask.cli import with_appcontext

from webapp.audit import integrity
from webapp.audit import trail as audit
from webapp.core.extensions import db
from webapp.core.timeutil import from_local


@click.command("verify-audit")
@click.option("--archive", "archive_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="同时校验一个归档文件（及其 .sig 签名文件）")
@with_appcontext
def verify_audit_command(archive_file):
    """Check the audit trail's hash chain; name the first broken record. Exit status 1 if it is broken."""
    report = integrity.verify_chain()
    db.session.rollback()
    if report.broken:
        broken = report.broken
        where = f"记录编号 {broken.record_id}，" if broken.record_id is not None else ""
        click.echo(f"审计日志哈希链断开：{where}序号 {broken.seq}：{broken.reason}。", err=True)
        click.echo(f"此前的 {report.checked} 条记录校验无误。", err=True)
        raise SystemExit(1)
    click.echo(f"审计日志哈希链完整：已校验 {report.checked} 条记录（至第 {report.last_seq} 条）。")
    if archive_file is not None:
        problem = integrity.verify_archive_file(archive_file)
        if problem:
            click.echo(f"归档文件 {archive_file.name}：{problem}。", err=True)
            raise SystemExit(1)
        click.echo(f"归档文件 {archive_file.name} 签名和哈希链完整。")


@click.command("audit-archive")
@click.option("--before", required=True, type=click.DateTime(formats=["%Y-%m-%d"]),
              help="归档此日期（北京时间）之前的记录；须早于六个月前")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True, help="归档文件所在目录")
@with_appcontext
def audit_archive_command(before: datetime, out: Path):
    """Write audit records older than --before (at least six months) to a signed file, then remove them."""
    try:
        archive = integrity.archive_before(from_local(before), out)
    except integrity.ArchiveError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc))
    if archive is None:
        db.session.rollback()
        click.echo("没有需要归档的记录。")
        return
    audit.record("audit.archive", object_type="audit_record", object_id=archive.up_to_seq,
                 detail={"file": archive.file_name, "records": archive.records, "sha256": archive.file_sha256,
                         "before": before.date().isoformat()})
    db.session.commit()
    click.echo(f"已归档 {archive.records} 条审计记录（至第 {archive.up_to_seq} 条）到 {out / archive.file_name}，"
               "签名文件为同名 .sig。请将两个文件一并保存到异地。")


COMMANDS = (verify_audit_command, audit_archive_command)
