"""Console commands of the applications area: `flask --app wsgi import-docx FILE …` reads a Word 申报书 as the
import does, and writes nothing."""
import json
from pathlib import Path

import click
from flask.cli import with_appcontext

from webapp.applications.word_import import build_plan
from webapp.applications.word_import_file import check_word_file
from webapp.applications.word_import_report import compare, plan_json, problems
from webapp.campaigns.lookup import current_campaign
from webapp.core.extensions import db
from webapp.documents.word_reader import WordFileError, read_docx
from webapp.models import Application, RecommendingUnit


@click.command("import-docx")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出将导入的内容")
@click.option("--application", "application_id", type=int, help="按此申报书（其批次、指引版本和现有内容）读取")
@click.option("--compare", "compare_stored", is_flag=True, help="与该申报书已保存的内容逐项比较；有不同则退出码为 1")
@with_appcontext
def import_docx_command(file, as_json, application_id, compare_stored):
    """Read a filled Word 申报书 as the import would (nothing is written)."""
    if compare_stored and application_id is None:
        raise click.UsageError("--compare 需要同时给出 --application ID。")
    try:
        data, _converted = check_word_file(file, file.name)
        parsed = read_docx(data)
    except WordFileError as refused:
        raise click.ClickException(str(refused))
    with db.session.no_autoflush:
        application = _application(application_id)
        plan = build_plan(application, parsed)
        if compare_stored:
            _print_comparison(plan, application)
        elif as_json:
            click.echo(json.dumps(plan_json(plan), ensure_ascii=False, indent=2, default=str))
        else:
            _print_summary(plan)
    db.session.rollback()


def _application(application_id: int | None) -> Application:
    if application_id is not None:
        application = db.session.get(Application, application_id)
        if application is None:
            raise click.ClickException(f"没有编号为 {application_id} 的申报书。")
        return application
    campaign = current_campaign()
    if campaign is None:
        raise click.ClickException("没有当前申报批次：请给出 --application ID。")
    # An empty application of the current campaign (never stored), for its years and its guide edition.
    return Application(campaign=campaign, edition=campaign.edition, unit=RecommendingUnit(name="", prefecture_adcode=""))


def _print_comparison(plan, application) -> None:
    equal, differences = compare(plan, application)
    click.echo(f"{equal} fields equal, {len(differences)} differ")
    for difference in differences:
        click.echo(f"  {difference.key}（{difference.label}）：Word 文件 {_short(difference.in_file)} ／ "
                   f"系统中 {_short(difference.stored)}")
    if differences:
        raise SystemExit(1)


def _short(value) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 80 else text[:77] + "…"


def _print_summary(plan) -> None:
    for section in plan.sections:
        readable = sum(1 for row in section.rows if row.state in ("new", "differs", "same"))
        click.echo(f"{section.section.heading}：读到 {readable} 项")
    click.echo(f"三、智能制造实施内容：{len(plan.links)} 个环节，"
               f"{sum(len(link.scenarios) for link in plan.links)} 个场景，{plan.parsed.pictures} 张配图")
    for message in problems(plan):
        click.echo(f"注意：{message}")


COMMANDS = (import_docx_command,)
