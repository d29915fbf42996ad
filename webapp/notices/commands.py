"""`flask --app wsgi send-notices`: write the deadline reminders that are due, then deliver the outbox.

Run every minute by the systemd timer in deploy/ (hunan-benchmark-notices.timer). Safe to run at any time and in
parallel: a reminder is written once, a message is claimed by one run only. Prints what it sent.
"""
import click
from flask.cli import with_appcontext

from webapp.core.extensions import command_writes, db
from webapp.core.timeutil import utcnow
from webapp.notices.delivery import deliver_due
from webapp.notices.mail import MailSettingsError
from webapp.notices.reminders import write_due_reminders


@click.command("send-notices")
@with_appcontext
def send_notices_command():
    """Write due deadline reminders and deliver due notices by e-mail (SMTP_HOST) and SMS; retry failures."""
    now = utcnow()
    db.session.commit()                 # begin afresh: the reminders' transaction takes the write lock at BEGIN
    with command_writes():
        reminders = write_due_reminders(now)
        db.session.commit()
    try:
        report = deliver_due()          # as of now, after the reminders: they go out in this run
    except MailSettingsError as exc:
        raise click.ClickException(str(exc))
    for line in report.sent:
        click.echo(f"已发送 {line}")
    for line in report.retry + report.failed:
        click.echo(f"未发送 {line}", err=True)
    summary = (f"截止提醒 {len(reminders)} 条；发送 {len(report.sent)} 条，待重试 {len(report.retry)} 条，"
               f"失败 {len(report.failed)} 条，已关闭通知而跳过 {report.skipped} 条，过期 {report.expired} 条。")
    click.echo(summary)
    if report.waiting_for_smtp:
        click.echo(f"未配置 SMTP_HOST：{report.waiting_for_smtp} 封邮件等待发送（超过72小时未发出的不再发送）。")


COMMANDS = (send_notices_command,)
