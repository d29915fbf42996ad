"""The 公示's documents: the notice as a Word file (the notice text with its period and contact filled in, the list per
type, a line removed by a sustained objection left out) and the archive's 公示/ folder (the notice, the objections with
their handling, their files)."""
import io

import docx
import pytest
from openpyxl import load_workbook

from webapp.campaigns.lookup import current_campaign
from webapp.core.extensions import db
from webapp.models import Objection, Publicity, Role
from webapp.publicity import documents as publicity_documents
from webapp.publicity.objections import ObjectionValues, conclude_objection, file_objection
from webapp.publicity.opening import listed

from tests.exports.archive_data import streamed, verify
from tests.publicity.builders import composed, opened, ranked_world
from tests.selection.builders import staff


@pytest.fixture
def published(app):
    with app.app_context():
        ranked_world()
        campaign = current_campaign()
        composed(campaign)
        publicity = opened(campaign)
        objection = file_objection(publicity, ObjectionValues(2, "李明", "长沙某某科技有限公司", "13912345678",
                                                              "该企业申报数据与实际不符，请核实。"))
        conclude_objection(objection, "sustain", "经核实，投资额虚报。", "异议成立，移出名单。", staff(Role.ADMIN))
        db.session.commit()
        return publicity.token


def document_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_the_notice_word_file(app, client, published):
    response = client.get(f"/gongshi/{published}/notice.docx")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    content = document_text(response.get_data())
    assert "关于2024年湖南省智能制造标杆企业（车间）拟认定名单的公示" in content
    assert "联系人：王科长，电话：0731-88888888" in content and "【公示期】" not in content
    assert "湖南甲精工装备有限公司" in content and "岳阳己石化有限公司" in content
    assert "株洲乙轨道装备有限公司" not in content               # removed: its objection was found 成立
    assert "李明" not in content
    with app.app_context():
        assert [e.company_name for e in listed(db.session.execute(db.select(Objection)).scalar_one().publicity)] \
            == ["湖南甲精工装备有限公司", "岳阳己石化有限公司"]


def test_the_notice_is_built_once_per_content(app, client, published, monkeypatch):
    """The public downloads the notice during the 公示: built once, again only when a sustained objection removes a
    line."""
    built = []
    real = publicity_documents.build_notice
    monkeypatch.setattr(publicity_documents, "build_notice", lambda data: built.append(data) or real(data))
    first = client.get(f"/gongshi/{published}/notice.docx").get_data()
    assert client.get(f"/gongshi/{published}/notice.docx").get_data() == first
    assert len(built) == 1
    with app.app_context():
        publicity = db.session.execute(db.select(Publicity).filter_by(token=published)).scalar_one()
        objection = file_objection(publicity, ObjectionValues(1, "王芳", "株洲某某有限公司", "13912345679",
                                                              "该企业车间实际未投产，请核实。"))
        conclude_objection(objection, "sustain", "经核实，车间尚未投产。", "异议成立，移出名单。", staff(Role.ADMIN))
        db.session.commit()
    content = document_text(client.get(f"/gongshi/{published}/notice.docx").get_data())
    assert len(built) == 2
    assert "湖南甲精工装备有限公司" not in content and "岳阳己石化有限公司" in content


def test_the_archive_holds_the_notice_and_the_objections_with_their_handling(app, published, login_as):
    response = login_as("admin").get("/admin/archive/2024.zip", buffered=False)
    archive = verify(streamed(response))
    names = [n for n in archive.namelist() if n.startswith("公示/")]
    notice = "公示/关于2024年湖南省智能制造标杆企业（车间）拟认定名单的公示.docx"
    workbook = "公示/2024年拟认定名单公示异议及处理情况.xlsx"
    assert notice in names and workbook in names
    sheet = load_workbook(io.BytesIO(archive.read(workbook))).active
    header = [c.value for c in sheet[1]]
    row = dict(zip(header, [c.value for c in sheet[2]]))
    assert row["申报企业名称"] == "株洲乙轨道装备有限公司" and row["处理状态"] == "成立"
    assert row["核实情况"] == "经核实，投资额虚报。" and row["异议人姓名"] == "李明"
    assert "湖南甲精工装备有限公司" in document_text(archive.read(notice))
