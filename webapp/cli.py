"""Command-line tools: `flask --app wsgi <command>`."""
from datetime import datetime, timedelta

import time

import click
from flask import Flask

from . import accounts, codes
from .campaigns import create_campaign, current_campaign
from .extensions import db
from .demo import create_demo_applications
from .models import Application, ApplicationStatus, County, Role, User
from .passwords import generate_one_time_password
from .seeding import default_edition, load_reference
from .timeutil import from_local, local_today

DEMO_ADMIN = "admin"
DEMO_RECOMMENDER = "changsha"
DEMO_ENTERPRISE_BASE = "91430104MA4L0DEM1"   # 17 characters; the check character is computed


def demo_enterprise_code() -> str:
    return DEMO_ENTERPRISE_BASE + codes.check_character(DEMO_ENTERPRISE_BASE)


def register_cli(app: Flask) -> None:
    @app.cli.command("seed")
    def seed_command():
        """Load the reference data (环节/场景, industries, regions, the 14 units). Safe to run again."""
        counts = load_reference()
        db.session.commit()
        changed = counts.pop("changed")
        for name, number in counts.items():
            click.echo(f"{name} {number}")
        click.echo(f"本次新增或更新 {changed} 条" if changed else "参考数据已是最新，未作改动")

    @app.cli.command("create-user")
    @click.option("--role", type=click.Choice([r.value for r in Role if r is not Role.APPLICANT]), required=True)
    @click.option("--username", required=True)
    @click.option("--unit", "unit_name", help="推荐单位名称（或其中一部分，如“长沙”），推荐单位账号必填")
    @click.option("--name", "display_name", default="", help="显示名称")
    def create_user_command(role, username, unit_name, display_name):
        """Create a staff account and print its one-time password (to be changed at first login)."""
        try:
            user, password = accounts.create_staff_user(role=Role(role), login=username, unit_name=unit_name,
                                                        display_name=display_name)
        except accounts.AccountError as exc:
            db.session.rollback()
            raise click.ClickException(str(exc))
        db.session.commit()
        unit = f"（{user.unit.name}）" if user.unit else ""
        click.echo(f"已创建 {user.role.label}{unit} 账号 {user.login}，一次性密码：{password}")
        click.echo("首次登录后须修改密码。此密码不会再次显示。")

    @app.cli.command("demo")
    @click.option("--applications", "count", type=click.IntRange(1, 100_000), default=20, show_default=True)
    @click.option("--seed", type=int, default=2024, show_default=True)
    @click.option("--if-empty", is_flag=True, help="只在尚无申报书时创建（make run 使用）")
    @click.option("--no-files", is_flag=True, help="不写入附件文件（仅数据库记录）")
    def demo_command(count, seed, if_empty, no_files):
        """Create N complete, realistic applications spread over units, types and states."""
        if if_empty and db.session.execute(db.select(Application.id).limit(1)).first():
            click.echo("已有申报书，未创建演示数据。")
            return
        started = time.perf_counter()
        try:
            result = create_demo_applications(count, seed=seed, write_files=not no_files)
        except RuntimeError as exc:
            raise click.ClickException(str(exc))
        states = "，".join(f"{status.label} {number}" for status, number in sorted(
            result.states.items(), key=lambda item: list(ApplicationStatus).index(item[0])))
        click.echo(f"已创建 {result.created} 份演示申报书（{states}），用时 {time.perf_counter() - started:.1f} 秒。")

    @app.cli.command("bootstrap")
    def bootstrap_command():
        """Seed, then create the demo campaign and the three demo accounts if missing; print new passwords once."""
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
            created.append(("申报企业", user.login, password))
        db.session.commit()
        if created:
            click.echo("演示账号（密码仅显示这一次，请妥善保存）：")
            for role_label, login, password in created:
                click.echo(f"  {role_label:<6} 登录名 {login:<20} 密码 {password}")
        else:
            click.echo("演示账号已存在，沿用原密码。")


def _exists(login: str) -> bool:
    return db.session.execute(db.select(User.id).filter_by(login=login)).first() is not None


def _county(name: str) -> str:
    return db.session.execute(db.select(County.adcode).filter_by(name=name)).scalar_one()


def _demo_staff(role: Role, login: str, unit: str | None, display: str) -> tuple[str, str, str]:
    user, password = accounts.create_staff_user(role=role, login=login, unit_name=unit, display_name=display)
    user.must_change_password = False   # demo accounts: ready to use at once
    return role.label, login, password
