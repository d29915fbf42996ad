"""Export commands for the server console: `flask --app wsgi export-archive …`, `export-summary …`, `export-review …`
(the same functions as the download routes)."""
from pathlib import Path

import click
from flask.cli import with_appcontext

from webapp.audit import trail as audit
from webapp.core.extensions import db
from webapp.core.files import write_atomically
from webapp.documents.archive import ArchiveIntegrityError
from webapp.exports.archives import campaign_archive, summary_workbook
from webapp.models import Campaign, RecommendingUnit
from webapp.selection.plan import get_plan
from webapp.selection.review_export import review_workbook


@click.command("export-archive")
@click.option("--campaign", "year", type=int, required=True, help="申报批次年度，如 2024")
@click.option("--unit", "unit_name", help="只导出一个推荐单位（名称或其中一部分，如“长沙”）")
@click.option("--out", type=click.Path(dir_okay=False, writable=True, path_type=Path), required=True)
@with_appcontext
def export_archive_command(year, unit_name, out):
    """Write the campaign's archive ZIP (or one unit's part), every stored file verified against its record."""
    campaign, unit = _export_scope(year, unit_name, out)
    try:
        export = campaign_archive(campaign, unit)
        export.archive.check_sources()
        audit.record("export.archive", obj=campaign, detail={**export.detail, "cli": True})
        db.session.commit()
        with click.progressbar(length=export.archive.size, label=export.filename) as bar:
            export.archive.save(out, progress=bar.update)
    except ArchiveIntegrityError as exc:
        db.session.rollback()
        audit.record("export.archive", obj=campaign, success=False,
                     detail={"campaign": year, "error": str(exc)[:500], "cli": True})
        db.session.commit()
        raise click.ClickException(f"存档校验失败，未写入文件：{exc}")
    click.echo(f"已写入 {out}：{export.detail['files']} 个文件，{export.archive.size / 1e6:.1f} MB。")

@click.command("export-summary")
@click.option("--campaign", "year", type=int, required=True, help="申报批次年度，如 2024")
@click.option("--unit", "unit_name", help="只导出一个推荐单位的推荐汇总表")
@click.option("--out", type=click.Path(dir_okay=False, writable=True, path_type=Path), required=True)
@with_appcontext
def export_summary_command(year, unit_name, out):
    """Write the province summary workbook (or one unit's 推荐汇总表) to an .xlsx file."""
    campaign, unit = _export_scope(year, unit_name, out)
    data, _name = summary_workbook(campaign, unit)
    audit.record("export.summary", obj=campaign, detail={"campaign": year, "unit": unit.name if unit else "全省",
                                                         "bytes": len(data), "cli": True})
    db.session.commit()
    write_atomically(out, data, private=False)
    click.echo(f"已写入 {out}（{len(data) / 1e3:.0f} KB）。")


@click.command("export-review")
@click.option("--campaign", "year", type=int, required=True, help="申报批次年度，如 2024")
@click.option("--out", type=click.Path(dir_okay=False, writable=True, path_type=Path), required=True)
@with_appcontext
def export_review_command(year, out):
    """Write the campaign's 评审汇总表 (sheets 评审汇总, 评分明细, 评语明细) to an .xlsx file."""
    campaign, _unit = _export_scope(year, None, out)
    plan = get_plan(campaign)
    if plan is None:
        raise click.ClickException(f"{year} 年的申报批次尚未制定评审方案。")
    data, _name = review_workbook(campaign, plan)
    audit.record("export.review", obj=campaign, detail={"campaign": year, "bytes": len(data), "cli": True})
    db.session.commit()
    write_atomically(out, data, private=False)
    click.echo(f"已写入 {out}（{len(data) / 1e3:.0f} KB）。")


def _export_scope(year: int, unit_name: str | None, out: Path) -> tuple[Campaign, RecommendingUnit | None]:
    if not out.parent.is_dir():
        raise click.ClickException(f"目录 {out.parent} 不存在。")
    campaign = db.session.execute(db.select(Campaign).filter_by(year=year)).scalar_one_or_none()
    if campaign is None:
        raise click.ClickException(f"没有 {year} 年的申报批次。")
    if not unit_name:
        return campaign, None
    units = db.session.execute(
        db.select(RecommendingUnit).where(RecommendingUnit.name.contains(unit_name))).scalars().all()
    if len(units) != 1:
        raise click.ClickException(f"找不到唯一匹配“{unit_name}”的推荐单位。")
    return campaign, units[0]


COMMANDS = (export_archive_command, export_summary_command, export_review_command)
