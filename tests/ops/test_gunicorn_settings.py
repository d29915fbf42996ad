"""What a gunicorn worker does when it makes the app, and once it has (deploy/gunicorn.conf.py)."""
import gc
import runpy
import subprocess
import sys
from pathlib import Path

SETTINGS = Path(__file__).parents[2] / "deploy" / "gunicorn.conf.py"


def test_a_worker_freezes_what_it_loaded_at_start_out_of_the_garbage_collectors_passes():
    settings = runpy.run_path(str(SETTINGS))
    before = gc.get_freeze_count()
    try:
        settings["post_worker_init"](worker=None)
        assert gc.get_freeze_count() > before
    finally:
        gc.unfreeze()


def test_a_worker_resolves_the_models_relationships_before_its_first_request(tmp_path):
    """SQLAlchemy resolves every relationship of every model on the first query unless told earlier: 0.3 s inside
    the first request each worker serves. A fresh interpreter, as a worker is, makes the app and checks."""
    probe = ("from sqlalchemy import inspect\n"
             "from webapp import create_app\n"
             "from webapp.models import Application, User\n"
             f"create_app({{'INSTANCE_PATH': {str(tmp_path)!r}, 'SECRET_KEY': 'test'}})\n"
             "print(inspect(User).configured and inspect(Application).configured)\n")
    result = subprocess.run([sys.executable, "-c", probe], cwd=Path(__file__).parents[2], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"
