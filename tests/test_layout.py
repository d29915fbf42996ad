"""The shape of the code (tools/layout.py): no import cycles, no module over 400 lines, view modules imported only
by the app factory, no imports inside functions."""
from tools import layout


def test_layout_rules_hold():
    lines, ok = layout.report(layout.collect())
    assert ok, "\n".join(lines)


def test_the_layout_check_finds_a_cycle_and_a_view_import(tmp_path):
    package = tmp_path / "webapp"
    (package / "area").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "area" / "__init__.py").write_text("")
    (package / "area" / "a.py").write_text("from webapp.area import b\n")
    (package / "area" / "b.py").write_text("from webapp.area.a import x\n\ndef f():\n    import webapp.area.views\n")
    (package / "area" / "views.py").write_text("from flask import Blueprint\nbp = Blueprint('area', __name__)\n")
    modules = layout.collect(tmp_path)
    assert layout.cycles(modules) == [["webapp.area.a", "webapp.area.b"]]
    assert layout.view_importers(modules) == [("webapp.area.b", "webapp.area.views")]
    lines, ok = layout.report(modules)
    assert not ok and "Imports inside functions: 1" in "\n".join(lines)
