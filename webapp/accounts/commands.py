"""Account commands for the server console: `flask --app wsgi create-user …`."""
import click
from flask.cli import with_appcontext

from webapp.accounts import operations as accounts
from webapp.core.extensions import db
from webapp.models import Role, User
from webapp.selection import experts


@click.command("create-user")
@click.option("--role", type=click.Choice([r.value for r in Role if r is not Role.APPLICANT]), required=True)
@click.option("--username", required=True)
@click.option("--unit", "unit_name", help="推荐单位名称（或其中一部分，如“长沙”），推荐单位账号必填；"
                                          "评审专家账号填专家所在市州（如“株洲市”）")
@click.option("--name", "display_name", default="", help="显示名称")
@with_appcontext
def create_user_command(role, username, unit_name, display_name):
    """Create a staff account and print its one-time password (to be changed at first login).

    An expert (评审专家) gets an entry in the 专家库 too; --unit names the prefecture the expert works in."""
    try:
        if Role(role) is Role.EXPERT:
            user, password = experts.create_with_login(username, unit_name, display_name)
            unit = f"（{experts.expert_of(user).prefecture.name}）"
        else:
            user, password = accounts.create_staff_user(role=Role(role), login=username, unit_name=unit_name,
                                                        display_name=display_name)
            unit = f"（{user.unit.name}）" if user.unit else ""
    except (accounts.AccountError, experts.ExpertError) as exc:
        db.session.rollback()
        raise click.ClickException(str(exc))
    db.session.commit()
    click.echo(f"已创建 {user.role.label}{unit} 账号 {user.login}，一次性密码：{password}")
    click.echo("首次登录后须修改密码。此密码不会再次显示。")


@click.command("reset-password")
@click.option("--username", required=True, help="用户名（企业为统一社会信用代码）")
@click.option("--second-factor", "second_factor", is_flag=True, help="同时重置动态口令（手机丢失时）")
@with_appcontext
def reset_password_command(username, second_factor):
    """Give any account a one-time password (to be changed at the next login): the way to reset a 安全管理员 or
    审计管理员 account, which no web account may do (三员分立). Audited with the operating-system user."""
    user = db.session.execute(db.select(User).filter_by(login=username.strip())).scalar_one_or_none()
    if user is None:
        raise click.ClickException(f"用户名 {username} 不存在。")
    if second_factor and user.totp_secret:
        accounts.remove_second_factor(user, None)
    password = accounts.reset_password_of(user, None, detail={"second_factor": second_factor})
    db.session.commit()
    click.echo(f"已重置 {user.role.label} 账号 {user.login} 的密码，一次性密码：{password}")
    click.echo("下次登录后须修改密码，该账号现有登录已全部失效。此密码不会再次显示。")


COMMANDS = (create_user_command, reset_password_command)
