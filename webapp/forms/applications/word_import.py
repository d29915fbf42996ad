"""Forms of 导入Word申报书: the upload, and the preview's choices (what to import, which guide 环节/场景 a file block
is). The preview's inputs are as many as the file has values, so they are read by name from the posted data."""
import re

from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField
from wtforms.validators import DataRequired

from webapp.applications.word_import_links import Choices
from webapp.forms.base import BaseForm

_LINK = re.compile(r"^link-(\d{1,3})$")
_SCENARIO = re.compile(r"^scenario-(\d{1,3})-(\d{1,3})$")
_VERSION = re.compile(r"^version-([a-z_]{1,40})$")
MAX_PICKS = 5000
ACTIONS = ("import", "all", "preview")


class WordUploadForm(BaseForm):
    file = FileField("Word文件", validators=[FileRequired("请选择要导入的 Word 文件（.docx）。")],
                     description="空白申报书填写后的文件，或本系统生成的 Word 文件修改后的版本；Word、WPS 保存的 .docx 均可。")


class WordImportForm(BaseForm):
    """The preview's form: the uploaded file it is about, and which button was pressed."""

    file = HiddenField(validators=[DataRequired("缺少导入的文件，请重新上传。")])

    @staticmethod
    def action(data) -> str:
        value = data.get("action", "import")
        return value if value in ACTIONS else "import"

    @staticmethod
    def picks(data) -> set[str]:
        """The ticked rows and blocks ("basic.company_name", "section:basic", "link:2", "scenario:2.1")."""
        return {value for value in data.getlist("pick")[:MAX_PICKS] if 0 < len(value) <= 100}

    @staticmethod
    def choices(data) -> Choices:
        """The guide 环节 of each file 环节, the guide scenario (or "own") of each file 场景, as chosen."""
        choices = Choices()
        for name, value in data.items():
            link, scenario = _LINK.match(name), _SCENARIO.match(name)
            if link and value.isdigit():
                choices.links[int(link.group(1))] = int(value)
            elif scenario and (value.isdigit() or value == "own"):
                position = (int(scenario.group(1)), int(scenario.group(2)))
                choices.scenarios[position] = int(value) if value.isdigit() else value
        return choices

    @staticmethod
    def versions(data) -> dict[str, int]:
        """The version of each section the preview showed ("version-basic" = 3)."""
        versions = {}
        for name, value in data.items():
            match = _VERSION.match(name)
            if match:
                versions[match.group(1)] = int(value) if value.isdigit() else -1
        return versions
