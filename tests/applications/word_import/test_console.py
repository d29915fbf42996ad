"""flask import-docx FILE: what a Word file would import, as JSON, or how it compares with an application's stored
values; it writes nothing."""
import json

import pytest

from webapp.core.extensions import db
from webapp.models import WordImport

from tests.applications.word_import.files import in_document, word_file
from tests.factories import make_application


@pytest.fixture
def saved(app, tmp_path):
    """An application (id) and its Word file on disk."""
    with app.app_context():
        application = make_application(db.session, name="湖南控制台智能装备股份有限公司")
        db.session.commit()
        path = tmp_path / "申报书.docx"
        path.write_bytes(word_file(application))
        return application.id, path


def test_json_lists_the_fields_the_links_and_the_problems(runner, saved):
    application_id, path = saved
    result = runner.invoke(args=["import-docx", str(path), "--json"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    assert set(found) == {"fields", "links", "problems"}
    assert found["fields"]["basic.company_name"] == "湖南控制台智能装备股份有限公司"
    assert found["fields"]["economics.2023.debt_ratio"] == "48"
    assert found["fields"]["functions.functions"][0].startswith("研发设计")
    assert found["fields"]["honours.maturity_level"] == 3 and found["fields"]["honours.major_accident"] is False
    assert len(found["links"]) == 8 and all(len(link["scenarios"]) == 2 for link in found["links"])
    first = found["links"][0]["scenarios"][0]
    assert set(first) >= {"name", "description", "solution", "pictures", "scenario", "similarity"}
    assert found["problems"] == []


def test_compare_with_its_own_application_finds_everything_equal(app, runner, saved):
    application_id, path = saved
    result = runner.invoke(args=["import-docx", str(path), "--application", str(application_id), "--compare"])
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("fields equal, 0 differ")
    with app.app_context():
        assert db.session.execute(db.select(WordImport)).first() is None         # nothing written


def test_compare_lists_each_difference_and_exits_non_zero(runner, saved, tmp_path):
    application_id, path = saved
    edited = tmp_path / "改过的.docx"
    edited.write_bytes(in_document(path.read_bytes(), "湖南控制台智能装备股份有限公司", "湖南改名智能装备股份有限公司", 2))
    result = runner.invoke(args=["import-docx", str(edited), "--application", str(application_id), "--compare"])
    assert result.exit_code == 1
    assert "differ" in result.output.splitlines()[0] and ", 1 differ" in result.output
    assert "basic.company_name" in result.output and "湖南改名智能装备股份有限公司" in result.output


def test_compare_needs_an_application_and_refused_files_say_why(runner, saved, tmp_path):
    _id, path = saved
    assert runner.invoke(args=["import-docx", str(path), "--compare"]).exit_code == 2
    macro = tmp_path / "宏.docm"
    macro.write_bytes(path.read_bytes())
    result = runner.invoke(args=["import-docx", str(macro), "--json"])
    assert result.exit_code == 1 and "启用宏" in result.output


def test_without_options_a_summary_is_printed(runner, saved):
    _id, path = saved
    result = runner.invoke(args=["import-docx", str(path)])
    assert result.exit_code == 0 and "三、智能制造实施内容：8 个环节，16 个场景，0 张配图" in result.output
