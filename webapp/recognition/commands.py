"""Console commands of 认定: `flask --app wsgi export-recognition --campaign YEAR --out list.xlsx`."""
from pathlib import Path

import click
from flask.cli import with_appcontext

from webapp.audit import trail as audit
from webapp.core.extensions import db
from webapp.core.files import write_atomically
from webapp.models import Campaign
from webapp.recognition.listing import certificates_of, list_workbook


@click.command("export-recognition")
@click.option("--campaign", "year", type=int, required=True, help="申报批次年度，如 2026")
@click.option("--out", type=click.Path(dir_okay=False, writable=True, path_type=Path), required=True)
@with_appcontext
def export_recognition_command(year, out):
    """Write the campaign's recognition list (证书编号, 验证码, 企业, 类型, 车间, 市州, 文号, 状态 …) to an .xlsx file."""
    campaign = db.session.execute(db.select(Campaign).filter_by(year=year)).scalar_one_or_none()
    if campaign is None:
        raise click.ClickException(f"没有 {year} 年度的申报批次。")
    count = len(certificates_of(campaign))
    data, _name = list_workbook(campaign)
    audit.record("export.recognition_list", obj=campaign, detail={"campaign": year, "rows": count, "cli": True})
    db.session.commit()
    write_atomically(out, data, private=False)
    click.echo(f"已写入 {out}：{count} 条认定记录。" if count else f"已写入 {out}：{year} 年度尚未认定，名单为空。")


COMMANDS = (export_recognition_command,)
