"""deploy/gunicorn.conf.py: what a worker does once the app is loaded."""
import gc
import runpy
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
