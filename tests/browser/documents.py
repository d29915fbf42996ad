"""Reading what the journeys download: the 汇总表 workbooks and the archive ZIP."""
import csv
import hashlib
import io
import zipfile
from pathlib import Path

from tests.zip_tools import names_as_read


def summary_rows(sheet) -> list[list]:
    """The table rows of a 附件3 sheet: below the header row that starts with 序号, while 序号 is a number."""
    rows, started = [], False
    for values in sheet.iter_rows(values_only=True):
        if values and values[0] == "序号":
            started = True
            continue
        if started:
            if not isinstance(values[0], int):
                break
            rows.append(list(values))
    return rows


def sheet_title(sheet) -> str:
    return " ".join(str(c.value) for row in sheet.iter_rows(max_row=3) for c in row if c.value)


def check_archive(path) -> dict[str, bytes]:
    """Open the ZIP, check every file against manifest.csv (size and SHA-256) and that Windows 7, Windows 10 and
    7-Zip/unzip read every name alike; return {name: content}."""
    with zipfile.ZipFile(path, metadata_encoding="gbk") as archive:
        assert archive.testzip() is None
        contents = {info.filename: archive.read(info) for info in archive.infolist() if not info.is_dir()}
        for tool, names in names_as_read(Path(path).read_bytes()).items():
            assert names == [info.filename for info in archive.infolist()], tool
    manifest = [row for row in csv.DictReader(io.StringIO(contents["manifest.csv"].decode("utf-8-sig")))]
    listed = {row["path"]: row for row in manifest}
    assert set(listed) == set(contents) - {"manifest.csv"}, set(listed) ^ (set(contents) - {"manifest.csv"})
    for name, row in listed.items():
        assert int(row["size"]) == len(contents[name]), name
        assert row["sha256"] == hashlib.sha256(contents[name]).hexdigest(), name
    return contents
