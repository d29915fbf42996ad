"""Command-line tools: `flask --app wsgi <command>`."""
from datetime import datetime, timedelta
from pathlib import Path

import time

import click
from flask import Flask

from webapp.accounts import operations as accounts
from webapp.accounts.commands import COMMANDS as account_commands
from webapp.applications.commands import COMMANDS as application_commands
from webapp.audit.commands import COMMANDS as audit_commands
from webapp.campaigns.commands import COMMANDS as campaign_commands
from webapp.exports.commands import COMMANDS as export_commands
from webapp.notices.commands import COMMANDS as notice_commands
from webapp.recognition.commands import COMMANDS as recognition_commands
from webapp.ops import backup as backups
from webapp.audit import trail as audit
from webapp.accounts import codes
from webapp.campaigns.lookup import create_campaign, current_campaign
from webapp.core.extensions import db
from webapp.ops.demo import create_demo_applications
from webapp.ops.demo_data import PASSWORD as DEMO_PASSWORD
from webapp.ops.demo_selection import create_last_year
from webapp.accounts.members import membership
from webapp.applications.sections import SECTION_BY_KEY
from webapp.models import Application, ApplicationStatus, County, Role, User
from webapp.accounts.passwords import generate_one_time_password
from webapp.ops.seeding import default_edition, load_reference
from webapp.core.timeutil import from_local, local_today

DEMO_ADMIN = "admin"
DEMO_RECOMMENDER = "changsha"
DEMO_ENTERPRISE_BASE = "91430104MA4L0DEM1"   # 17 characters; the check character is computed


def demo_enterprise_code() -> str:
    return DEMO_ENTERPRISE_BASE + codes.check_character(DEMO_ENTERPRISE_BASE)


def register_cli(app: Flask) -> None:
    """The console commands of every area (`flask --app wsgi --help` lists them)."""
    for command in (*account_commands, *application_commands, *audit_commands, *campaign_commands, *export_commands,
                    *notice_commands, *recognition_commands):
        app.cli.add_command(command)
    register_backup_cli(app)

    @app.cli.command("seed")
    def seed_command():
        """Load the reference data (环节/场景, industries, regions, the 14 units). Safe to run again."""
        counts = load_reference()
        db.session.commit()
        changed = counts.pop("changed")
        for name, number in counts.items():
            click.echo(f"{name} {number}")
        click.echo(f"本次新增或更新 {changed} 条" if changed else "参考数据已是最新，未作改动")

    @app.cli.command("demo")
    @click.option("--applications", "count", type=click.IntRange(1, 100_000), default=20, show_default=True)
    @click.option("--seed", type=int, default=2024, show_default=True)
    @click.option("--if-empty", is_flag=True, help="只在尚无申报书时创建（make run 使用）")
    @click.option("--no-files", is_flag=True, help="不写入附件文件（仅数据库记录）")
    @click.option("--keep-deadlines", is_flag=True, help="不把申报截止时间调整到一周之内（make run 使用）")
    def demo_command(count, seed, if_empty, no_files, keep_deadlines):
        """Create N complete, realistic applications spread over units, types and states; e-mail for every account,
        an enterprise with two colleagues, and (unless --keep-deadlines) the enterprise deadline within a week; and
        (once) last year's campaign through its whole life: reported lists, 形式审查, experts, scores, a ranking."""
        if app.config["PRODUCTION"]:
            raise click.ClickException("生产环境不创建演示申报书和演示企业账号。")
        if if_empty and db.session.execute(db.select(Application.id).limit(1)).first():
            click.echo("已有申报书，未创建演示数据。")
            return
        started = time.perf_counter()
        try:
            result = create_demo_applications(count, seed=seed, write_files=not no_files,
                                              keep_deadlines=keep_deadlines)
        except RuntimeError as exc:
            raise click.ClickException(str(exc))
        states = "，".join(f"{status.label} {number}" for status, number in sorted(
            result.states.items(), key=lambda item: list(ApplicationStatus).index(item[0])))
        click.echo(f"已创建 {result.created} 份演示申报书（{states}），用时 {time.perf_counter() - started:.1f} 秒。")
        echo_demo_people(result)
        echo_last_year(create_last_year(current_campaign(), seed=seed, write_files=not no_files))

    @app.cli.command("bootstrap")
    def bootstrap_command():
        """Seed, then create the demo campaign and the three demo accounts if missing; print new passwords once."""
        if app.config["PRODUCTION"]:
            raise click.ClickException("生产环境（APP_ENV=production 或 SESSION_COOKIE_SECURE=1）不创建演示数据和演示账号。"
                                       "请运行 flask --app wsgi seed 加载参考数据，用 flask --app wsgi create-user 创建账号。")
        load_reference()
        edition = default_edition()
        if current_campaign() is None:
            year = local_today().year
            create_campaign(year=year, title=f"{year}年湖南省智能制造标杆申报",
                            enterprise_deadline=from_local(datetime(year, 12, 31, 17, 0)) + timedelta(days=30),
                            unit_deadline=from_local(datetime(year, 12, 31, 17, 0)) + timedelta(days=45),
                            edition=edition)
            click.echo(f"已创建演示申报批次：{year}年")
        created = []
        if not _exists(DEMO_ADMIN):
            created.append(_demo_staff(Role.ADMIN, DEMO_ADMIN, None, "省工信厅管理员"))
        if not _exists(DEMO_RECOMMENDER):
            created.append(_demo_staff(Role.RECOMMENDER, DEMO_RECOMMENDER, "长沙市", "长沙市工信局"))
        code = demo_enterprise_code()
        if not _exists(code):
            password = generate_one_time_password()
            user = accounts.register_enterprise(
                name="湖南湘江智能装备有限公司", credit_code=code, county_adcode=_county("岳麓区"),
                contact_name="李明", mobile="13807310001", password=password)
            user.demo = True
            created.append(("申报企业", user.login, password))
        db.session.commit()
        if created:
            click.echo("演示账号（密码仅显示这一次，请妥善保存）：")
            for role_label, login, password in created:
                click.echo(f"  {role_label:<6} 登录名 {login:<20} 密码 {password}")
        else:
            click.echo("演示账号已存在，沿用原密码。")

def user_rights(user: User) -> str:
    member = membership(user)
    if member.sections:
        return "仅编辑：" + "、".join(SECTION_BY_KEY[key].heading for key in member.sections)
    return member.access.label


def echo_demo_people(result) -> None:
    if result.team:
        admin, *colleagues = result.team
        click.echo(f"多人协作的演示企业：{admin.enterprise.name}（已被推荐单位退回，意见针对“三”），密码均为 {DEMO_PASSWORD}：")
        click.echo(f"  企业管理员 {admin.display_name} 登录名 {admin.login}")
        for user in colleagues:
            click.echo(f"  同事 {user.display_name} 登录名 {user.login}（{user_rights(user)}）")
    click.echo("所有账号已设置 example.org 邮箱并开启邮件通知；配置 SMTP_HOST 后运行 flask --app wsgi send-notices 发送。")
    if result.deadline_moved:
        click.echo("演示：申报截止时间已调整到一周之内，截止提醒将由 send-notices 发送（不调整请加 --keep-deadlines）。")


def echo_last_year(last) -> None:
    if last is None:
        return
    click.echo(f"已创建上一年度（{last.campaign.year}年）完整评审流程：{last.applications} 份申报书已报送、形式审查"
               f"（含补正和不通过），专家库 {last.experts} 位专家，{last.cards} 份评分表已提交。")
    click.echo(f"  演示评审专家 登录名 {last.expert_login} 一次性密码 {last.expert_password}（首次登录须修改）")
    if last.recognition is not None:
        valid = next((c for c in last.recognition.certificates if c.is_valid), None)
        click.echo(f"  拟认定名单已公示（含实名异议成立、不成立各 1 件），已认定 {len(last.recognition.certificates)} 项"
                   f"（撤销 1 项）。公示页面：/gongshi/{last.recognition.publicity_token}")
        if valid is not None:
            click.echo(f"  证书验证：/verify/{valid.code}（{valid.company_name}）")


def _exists(login: str) -> bool:
    return db.session.execute(db.select(User.id).filter_by(login=login)).first() is not None


def _county(name: str) -> str:
    return db.session.execute(db.select(County.adcode).filter_by(name=name)).scalar_one()


def _demo_staff(role: Role, login: str, unit: str | None, display: str) -> tuple[str, str, str]:
    user, password = accounts.create_staff_user(role=role, login=login, unit_name=unit, display_name=display)
    user.must_change_password = False   # demo accounts: ready to use at once
    user.demo = True
    return role.label, login, password


def register_backup_cli(app: Flask) -> None:
    """`backup --out DIR` and `restore DIR` (webapp/ops/backup.py): the database, the uploads and the documents."""

    def revision() -> str | None:
        try:
            return db.session.execute(db.text("SELECT version_num FROM alembic_version")).scalar()
        except Exception:       # noqa: BLE001  (a database made without migrations has no such table)
            return None
        finally:
            db.session.rollback()       # hold no transaction open while the files are copied

    @app.cli.command("backup")
    @click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True,
                  help="新的备份目录（不存在或为空）")
    def backup_command(out):
        """Copy the database (a consistent snapshot), the uploads and the documents, with SHA-256 checksums."""
        config = app.config
        try:
            result = backups.create_backup(config["SQLALCHEMY_DATABASE_URI"], config["UPLOAD_FOLDER"],
                                           config["DOCUMENT_FOLDER"], out, revision=revision())
        except backups.BackupError as exc:
            db.session.rollback()
            audit.record("system.backup", success=False, detail={"out": str(out), "error": str(exc)[:500]})
            db.session.commit()
            raise click.ClickException(str(exc))
        audit.record("system.backup", detail={"out": str(result.folder), "files": result.files,
                                              "bytes": result.size, "missing": result.missing[:50]})
        db.session.commit()
        click.echo(f"备份完成：{result.folder}（{result.files} 个文件，{result.size / 1e6:.1f} MB，数据库 {result.database}）。")
        for name in result.missing:
            click.echo(f"注意：数据库引用的文件 {name} 在备份时已不存在。", err=True)

    @app.cli.command("restore")
    @click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
    @click.option("--yes", is_flag=True, help="不再询问确认")
    def restore_command(folder, yes):
        """Verify every checksum of a backup, then replace the database, the uploads and the documents with it."""
        config = app.config
        try:
            manifest = backups.verify_backup(folder)
        except backups.BackupError as exc:
            raise click.ClickException(str(exc))
        click.echo(f"备份校验通过：{len(manifest['files'])} 个文件，创建于 {manifest['created_at']}。")
        if not yes:
            click.confirm("恢复将用此备份替换当前的数据库、上传文件和生成的文档（请先停止服务）。确认恢复？", abort=True)
        db.session.remove()
        db.engine.dispose()
        try:
            backups.restore_backup(folder, config["SQLALCHEMY_DATABASE_URI"], config["UPLOAD_FOLDER"],
                                   config["DOCUMENT_FOLDER"])
        except backups.BackupError as exc:
            raise click.ClickException(str(exc))
        db.engine.dispose()
        audit.record("system.restore", detail={"from": str(folder), "created_at": manifest["created_at"],
                                               "files": len(manifest["files"])})
        db.session.commit()
        click.echo("恢复完成。")

