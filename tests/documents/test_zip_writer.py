"""The archives' ZIP writer: names every tool reads right, ordinary permissions, exact size, ZIP64 where needed."""
import io
import os
import shutil
import stat
import struct
import subprocess
import zipfile
import zlib
from datetime import datetime

import pytest
from hypothesis import given, settings, strategies as st

from tests.zip_tools import names_as_read, records, sevenzip, windows7, windows10
from webapp.documents import zip_writer
from webapp.documents.zip_names import UNICODE_PATH, UTF8_FLAG, encode_name
from webapp.documents.zip_writer import ZipStream

NAMES = [
    "manifest.csv",
    "01-长沙市工业和信息化局/2024年湖南省智能制造标杆推荐汇总表-长沙市工业和信息化局.xlsx",
    "01-长沙市工业和信息化局/01-湖南＜麓山＞精密：机械＊有限公司/（一）企业营业执照复印件/营业执照（副本）.pdf",
    "01-长沙市工业和信息化局/未推荐及其他/未推荐-湖南橘洲食品有限公司/技术方案配图/环节1场景2-示意图·一.png",
    "02-株洲市/株洲荷塘重工有限公司/乗用车间照片.jpg",           # 乗: its GBK bytes hold 0x5C (a backslash)
    "02-株洲市/株洲荷塘重工有限公司/设备清单🚀.xlsx",               # outside GBK
]
GBK_READABLE = [name for name in NAMES if encode_name(name).flags == 0]


class Pieces:
    """A Source giving its content in two pieces (as a stored file gives chunks)."""

    def __init__(self, data: bytes):
        self.data, self.prefetched = data, False

    def prefetch(self) -> None:
        self.prefetched = True

    def crc(self) -> int:
        return zlib.crc32(self.data)

    def chunks(self):
        yield self.data[:3]
        yield self.data[3:]


def build(entries: list[tuple[str, bytes]]) -> bytes:
    """Entries of odd length as bytes, the others as a Source."""
    stream = ZipStream(modified=datetime(2024, 5, 20, 10, 31, 8))
    for name, data in entries:
        stream.add(name, len(data), data if len(data) % 2 else Pieces(data))
    data = b"".join(stream)
    assert len(data) == len(stream)
    return data


def sample() -> bytes:
    return build([(name, f"内容{index}".encode() * (index + 1)) for index, name in enumerate(NAMES)])


def test_chinese_names_are_gbk_with_a_unicode_path_field():
    name = encode_name("营业执照（副本）.pdf")
    assert name.raw == "营业执照（副本）.pdf".encode("gbk") and name.flags == 0
    kind, length, version, crc = struct.unpack_from("<HHBL", name.extra)
    assert (kind, length, version, crc) == (UNICODE_PATH, len(name.extra) - 4, 1, zlib.crc32(name.raw))
    assert name.extra[9:].decode("utf-8") == "营业执照（副本）.pdf"
    assert encode_name("manifest.csv") == (b"manifest.csv", 0, b"") or encode_name("manifest.csv").extra == b""


@pytest.mark.parametrize("name", ["设备清单🚀.xlsx", "乗用车间.jpg", "한국어.pdf"])
def test_a_name_gbk_cannot_hold_goes_in_utf8_with_its_flag(name):
    encoded = encode_name(name)
    assert (encoded.raw, encoded.flags, encoded.extra) == (name.encode("utf-8"), UTF8_FLAG, b"")


def whole_path_legacy(name: str) -> bytes | None:
    """What a path's GBK name field is, worked out on the whole path at once."""
    try:
        legacy = name.encode("gbk")
    except UnicodeEncodeError:
        return None
    return None if b"\\" in legacy or legacy.decode("gbk") != name else legacy


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from("营业执照（副本）长沙市－乗俓한🚀\u2014·a.-_ "), min_size=1, max_size=8),
                min_size=1, max_size=4))
def test_a_paths_name_field_is_that_of_its_parts_joined(parts):
    """zip_names encodes a path folder by folder (the folders repeat): the same bytes as the whole path, and UTF-8
    whenever any part needs it."""
    name = "/".join(parts)
    legacy = whole_path_legacy(name)
    encoded = encode_name(name)
    if name.isascii():
        assert encoded.raw == name.encode()
    elif legacy is None:
        assert (encoded.raw, encoded.flags) == (name.encode("utf-8"), UTF8_FLAG)
    else:
        assert (encoded.raw, encoded.flags) == (legacy, 0)


def test_every_tool_reads_every_name():
    read = names_as_read(sample())
    assert read["Windows 10/11 资源管理器"] == read["7-Zip/WinRAR/unzip"] == NAMES
    windows7_names = read["Windows 7 资源管理器"]
    assert [windows7_names[NAMES.index(name)] for name in GBK_READABLE] == GBK_READABLE
    assert len(GBK_READABLE) == len(NAMES) - 2          # only the emoji and the 0x5C names are UTF-8


def test_the_readers_tell_a_name_that_only_utf8_tools_read():
    """The old way (UTF-8 with its flag only) is what Windows 7 shows as 闀挎矙…; the readers notice it."""
    record = records(build([("长沙市/营业执照.pdf", b"x")]))[0]
    utf8_only = type(record)(record.raw_name.decode("gbk").encode("utf-8"), UTF8_FLAG, record.made_by,
                             record.external_attr, {})
    assert windows10(utf8_only) == sevenzip(utf8_only) == "长沙市/营业执照.pdf"
    assert windows7(utf8_only) != "长沙市/营业执照.pdf"


def test_entries_are_ordinary_readable_files_made_on_unix():
    data = sample()
    for record in records(data):
        assert record.made_by >> 8 == 3 and record.external_attr >> 16 == 0o100644
    with zipfile.ZipFile(io.BytesIO(data), metadata_encoding="gbk") as archive:
        assert archive.testzip() is None                     # every CRC right
        assert archive.namelist() == NAMES
        assert archive.read(NAMES[2]) == "内容2".encode() * 3
        assert archive.getinfo(NAMES[0]).date_time == (2024, 5, 20, 10, 31, 8)


@pytest.mark.skipif(shutil.which("unzip") is None, reason="Info-ZIP unzip is not installed")
def test_unzip_extracts_chinese_names_with_ordinary_permissions(tmp_path):
    (tmp_path / "a.zip").write_bytes(sample())
    subprocess.run(["unzip", "-q", str(tmp_path / "a.zip"), "-d", str(tmp_path / "out")], check=True,
                   env={**os.environ, "LC_ALL": "C.UTF-8"}, capture_output=True)
    for name in NAMES:
        path = tmp_path / "out" / name
        assert path.is_file(), name
        assert stat.S_IMODE(path.stat().st_mode) == 0o644, name


def test_zip64_records_where_sizes_offsets_or_the_count_need_them(monkeypatch):
    monkeypatch.setattr(zip_writer, "LIMIT", 100)              # small, so that small data needs ZIP64 fields
    monkeypatch.setattr(zip_writer, "COUNT_LIMIT", 3)
    entries = [(f"长沙/文件{index}.pdf", bytes([index]) * (60 + index * 50)) for index in range(4)]
    data = build(entries)
    with zipfile.ZipFile(io.BytesIO(data), metadata_encoding="gbk") as archive:
        assert archive.testzip() is None
        assert [(info.filename, info.file_size) for info in archive.infolist()] == \
            [(name, len(content)) for name, content in entries]
        assert [archive.read(name) for name, _ in entries] == [content for _, content in entries]
    assert b"PK\x06\x06" in data and b"PK\x06\x07" in data
    assert names_as_read(data)["7-Zip/WinRAR/unzip"] == [name for name, _ in entries]


def test_a_stream_of_the_wrong_length_is_refused():
    stream = ZipStream(modified=datetime(2024, 1, 1))
    stream.add("a.pdf", 5, Pieces(b"abcd"))
    with pytest.raises(ValueError, match="4 bytes streamed, 5 announced"):
        b"".join(stream)


def stream_headers(chunks, count: int) -> None:
    """Advance the stream until `count` more local headers have gone out."""
    while count:
        count -= next(chunks).startswith(b"PK\x03\x04")


def test_sources_are_checked_ahead_up_to_a_byte_budget(monkeypatch):
    monkeypatch.setattr(zip_writer, "LOOKAHEAD_BYTES", 25)
    sources = [Pieces(bytes(10)) for _ in range(6)]
    stream = ZipStream(modified=datetime(2024, 1, 1))
    stream.add("清单.csv", 3, b"abc")
    for index, source in enumerate(sources):
        stream.add(f"{index}.pdf", 10, source)
    chunks = iter(stream)
    stream_headers(chunks, 1)                     # while the first (generated) entry streams
    assert [s.prefetched for s in sources] == [True, True, True, False, False, False]
    stream_headers(chunks, 1)                     # the first source streams: its 10 bytes of the budget are free
    assert [s.prefetched for s in sources] == [True, True, True, True, False, False]
    assert b"".join(chunks)


def test_a_file_larger_than_the_budget_is_still_checked_one_entry_ahead(monkeypatch):
    monkeypatch.setattr(zip_writer, "LOOKAHEAD_BYTES", 5)
    monkeypatch.setattr(zip_writer, "LOOKAHEAD_ENTRIES", 2)
    sources = [Pieces(bytes(10)) for _ in range(4)]
    stream = ZipStream(modified=datetime(2024, 1, 1))
    for index, source in enumerate(sources):
        stream.add(f"{index}.pdf", 10, source)
    chunks = iter(stream)
    stream_headers(chunks, 1)                     # the first source streams (its check is asked for by crc())
    assert [s.prefetched for s in sources] == [False, True, False, False]
    assert b"".join(chunks)
    assert all(s.prefetched for s in sources[1:])
