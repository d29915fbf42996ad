"""Helpers of the archive tests: reading an archive back and checking it, and applications in each state."""
import csv
import hashlib
import io
import zipfile
from pathlib import Path

from tests.factories import DECISION_FOR, add_solution_picture, make_application, make_png, stamp, unit_reviewer
from tests.zip_tools import names_as_read
from webapp.applications.lifecycle import submit_application
from webapp.core.extensions import db
from webapp.documents import archive_source
from webapp.documents.archive import MANIFEST_NAME
from webapp.models import Application, ApplicationStatus as S, RecommendingUnit
from webapp.review.decisions import decide


def manifest_rows(archive: zipfile.ZipFile) -> list[dict]:
    raw = archive.read(MANIFEST_NAME)
    assert raw.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def verify(data_or_path) -> zipfile.ZipFile:
    """Every file the manifest lists is in the archive with that size and hash, and nothing else is; every tool reads
    the names alike (names without the UTF-8 flag are GBK, as a Chinese Windows reads them)."""
    raw = data_or_path if isinstance(data_or_path, bytes) else Path(data_or_path).read_bytes()
    archive = zipfile.ZipFile(io.BytesIO(raw), metadata_encoding="gbk")
    assert archive.testzip() is None
    infos = archive.infolist()
    assert infos[0].filename == MANIFEST_NAME
    for tool, names in names_as_read(raw).items():
        assert names == [info.filename for info in infos], tool
    rows = manifest_rows(archive)
    assert [row["path"] for row in rows] == [info.filename for info in infos[1:]]
    for row, info in zip(rows, infos[1:]):
        assert info.compress_type == zipfile.ZIP_STORED
        assert info.external_attr >> 16 == 0o100644, info.filename
        data = archive.read(info)
        assert len(data) == int(row["size"]) == info.file_size
        assert hashlib.sha256(data).hexdigest() == row["sha256"], info.filename
    return archive


def streamed(response) -> bytes:
    """Consume a streamed test response chunk by chunk (as a server would)."""
    return b"".join(response.response)


def unit_of(app, prefecture: str) -> tuple[int, str]:
    with app.app_context():
        unit = db.session.execute(db.select(RecommendingUnit).filter_by(prefecture_adcode=prefecture)).scalar_one()
        return unit.id, unit.name


def make_app(name: str, county: str, target: S, picture: bool = False) -> Application:
    if not picture:
        return make_application(db.session, name=name, county=county, status=target, write_files=True,
                                comment="请补充材料。")
    application = make_application(db.session, name=name, county=county, write_files=True)
    scenario = application.links[1].scenarios[0]
    add_solution_picture(db.session, scenario, make_png(40, 30, seed=3), write_file=True)
    add_solution_picture(db.session, scenario, make_png(40, 30, seed=4), write_file=True)
    stamp(db.session, application, write_files=True)        # the pictures are in the 盖章版: printed again
    if target is not S.DRAFT:
        submit_application(application, application.enterprise.users[0])
        if target in DECISION_FOR:
            decide(application, DECISION_FOR[target], unit_reviewer(db.session, application.unit), "请补充材料。")
    return application


def names_in(archive: zipfile.ZipFile) -> str:
    return "\n".join(archive.namelist())


def count_opens(monkeypatch) -> list:
    """The paths archive_source opens from now on (each stored file it reads)."""
    opened = []
    real = open

    def counting(path, *args, **kwargs):
        opened.append(str(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(archive_source, "open", counting, raising=False)
    return opened
