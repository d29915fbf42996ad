"""`flask --app wsgi recount-scenarios`: count the overview's 场景 statistics again from the 申报书 themselves.

The counts are kept in step by every change made through the app (webapp/campaigns/kept_counts.py). This command
is for after a change the app did not make (SQL typed by hand, a restored table). It holds the write lock while it
counts: run it at a quiet hour (10,000 applications: a few seconds).
"""
import click
from flask.cli import with_appcontext

from webapp.campaigns import kept_counts
from webapp.core.extensions import command_writes, db


@click.command("recount-scenarios")
@with_appcontext
def recount_scenarios_command():
    """Count the overview's 场景 statistics again from every 申报书's 环节/场景 blocks."""
    db.session.commit()                 # begin afresh: the recount's transaction takes the write lock at BEGIN
    with command_writes():
        number = kept_counts.rebuild()
        db.session.commit()
    click.echo(f"已按 {number} 份申报书重新统计各场景的申报数。")


COMMANDS = (recount_scenarios_command,)
