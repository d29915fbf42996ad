"""Archive ZIPs built from a plan: safe and unique names, a verified stream of the announced size."""
import csv
import hashlib
import io
import logging
import os
import zipfile
import zlib

import pytest
from hypothesis import given, strategies as st

from tests.exports.archive_data import count_opens, verify
from webapp.documents.archive import (
    MANIFEST_HEADER, MAX_PART, MAX_PATH, Archive, ArchiveIntegrityError, ArchivePlan, Entry, manifest_bytes, safe_part,
)
from webapp.documents import archive_source

MB = 1024 * 1024


# ---- names -------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("raw, safe", [
    ("营业执照（副本）.pdf", "营业执照（副本）.pdf"),
    ("../../etc/passwd", "..／..／etc／passwd"),
    ("..", "未命名"),
    ("/absolute/x.pdf", "／absolute／x.pdf"),
    ("a\\b.pdf", "a＼b.pdf"),
    ('A<B>:"C"|D?*.png', "A＜B＞：＂C＂｜D？＊.png"),
    ("bad\x00\x07name\u202egpj.exe", "badnamegpj.exe"),
    ("two\nlines\tand   spaces .pdf. ", "two lines and spaces.pdf"),
    ("CON.txt", "_CON.txt"),
    ("lpt1", "_lpt1"),
    ("", "未命名"),
])
def test_safe_part(raw, safe):
    assert safe_part(raw) == safe


def test_long_names_keep_their_extension_and_paths_stay_short():
    assert safe_part("长" * 200 + ".pdf") == "长" * (MAX_PART - 4) + ".pdf"
    plan = ArchivePlan()
    folder = plan.folder("", "单位" * 50)
    for _ in range(2):
        folder = plan.folder(folder, "很长的文件夹名称" * 20)
    entry = plan.add_bytes(folder, "文件" * 100 + ".docx", b"x")
    assert entry.path.endswith(".docx") and len(entry.path) <= MAX_PATH
    assert all(len(part) <= MAX_PART for part in entry.path.split("/"))
    assert len(entry.path.split("/")[-1]) == MAX_PART            # folders leave room for a whole file name
    with pytest.raises(ValueError):
        plan.folder(plan.folder(folder, "更深" * 40), "再深" * 40)


def test_duplicates_are_numbered_without_regard_to_case():
    plan = ArchivePlan()
    folder = plan.folder("", "企业")
    assert plan.folder("", "企业") == "企业(2)"
    paths = [plan.add_bytes(folder, name, b"x").path for name in ("名称.pdf", "名称.pdf", "名称.PDF", "a.b")]
    assert paths == ["企业/名称.pdf", "企业/名称(2).pdf", "企业/名称(3).PDF", "企业/a.b"]
    assert plan.folder(folder, "名称.pdf") == "企业/名称.pdf(2)"    # a folder never takes a file's name
    assert plan.add_bytes("", "manifest.csv", b"x").path == "manifest(2).csv"
    assert plan.add_bytes("", "=HYPERLINK(1).xlsx", b"x").path == "_=HYPERLINK(1).xlsx"


# ---- the manifest -------------------------------------------------------------------------------------------------

def csv_module_manifest(entries: list[Entry]) -> bytes:
    """The manifest as the csv module writes it."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(MANIFEST_HEADER)
    for entry in entries:
        writer.writerow((entry.path, entry.size, entry.sha256, entry.version or "", entry.fingerprint or ""))
    return "\ufeff".encode() + text.getvalue().encode("utf-8")


ENTRIES = st.lists(st.builds(
    Entry, path=st.text(alphabet=st.sampled_from(',"\r\n /.-=+@ a名（）\u3000'), min_size=1) | st.text(min_size=1),
    size=st.integers(0, 2**40), sha256=st.text(alphabet="0123456789abcdef", min_size=64, max_size=64),
    version=st.none() | st.integers(1, 99), fingerprint=st.none() | st.text(alphabet="0123456789abcdef", max_size=16)),
    max_size=20)


@given(ENTRIES)
def test_the_manifest_is_the_csv_modules_to_the_byte(entries):
    assert manifest_bytes(entries) == csv_module_manifest(entries)


def test_the_manifest_reads_back_with_a_comma_and_a_quote_in_a_path():
    entries = [Entry('企业/图片,第1张 "正面".png', 5, "a" * 64, version=2, fingerprint="0123abcd"),
               Entry("企业/b.pdf", 7, "b" * 64)]
    rows = list(csv.reader(io.StringIO(manifest_bytes(entries).decode("utf-8-sig"))))
    assert rows == [list(MANIFEST_HEADER), ['企业/图片,第1张 "正面".png', "5", "a" * 64, "2", "0123abcd"],
                    ["企业/b.pdf", "7", "b" * 64, "", ""]]


# ---- the builder -------------------------------------------------------------------------------------------------

def stored(tmp_path, name: str, data: bytes) -> tuple:
    path = tmp_path / name
    path.write_bytes(data)
    return path, len(data), hashlib.sha256(data).hexdigest()


def recorded(tmp_path, name: str, data: bytes) -> tuple[tuple, dict]:
    """A stored file with its CRC-32 recorded, as an upload records it: add_file's arguments."""
    return stored(tmp_path, name, data), {"crc32": zlib.crc32(data)}



def test_builder_streams_a_verified_zip_of_the_announced_size(tmp_path):
    plan = ArchivePlan()
    unit = plan.folder("", "01-长沙市工业和信息化局")
    plan.add_bytes(unit, "汇总表.xlsx", b"workbook")
    company = plan.folder(unit, "01-湖南星沙智能装备有限公司")
    big = os.urandom(3 * MB + 17)
    plan.add_file(company, "扫描件.pdf", *stored(tmp_path, "a", big))
    plan.add_file(company, "空文件.pdf", *stored(tmp_path, "b", b""))
    archive = plan.build()
    chunks = list(archive)
    data = b"".join(chunks)
    assert len(data) == archive.size
    assert max(len(c) for c in chunks) <= 1024 * 1024 and len(chunks) < 10     # 1 MB reads, small parts gathered
    opened = verify(data)
    assert opened.read("01-长沙市工业和信息化局/01-湖南星沙智能装备有限公司/扫描件.pdf") == big
    with pytest.raises(RuntimeError):
        list(archive)                                       # a stream is used once


def test_files_checked_ahead_by_several_threads_stream_intact(tmp_path):
    """Many files of one to several chunks, checked ahead by archive_source.CHECKERS threads at once, each with its
    own buffer, among files read once with their CRC-32 recorded: every one arrives whole and matches its record (a
    shared buffer would mix their contents)."""
    assert archive_source.CHECKERS > 1
    plan = ArchivePlan()
    folder = plan.folder("", "附件")
    contents = {}
    for index in range(60):
        data = os.urandom((index % 7) * MB // 2 + index * 101)
        args, crc = recorded(tmp_path, f"f{index}", data)
        plan.add_file(folder, f"{index:02d}.pdf", *args, **(crc if index % 3 == 0 else {}))
        contents[f"附件/{index:02d}.pdf"] = data
    opened = verify(b"".join(plan.build()))
    assert {name: opened.read(name) for name in contents} == contents


def test_a_changed_or_missing_file_breaks_the_stream(tmp_path, caplog):
    path, size, digest = stored(tmp_path, "a", b"%PDF-1.4 original" * 1000)
    plan = ArchivePlan()
    plan.add_file("", "申报书.pdf", path, size, digest)
    archive = plan.build()
    archive.check_sources()                                 # same size: only the hash can tell
    data = bytearray(path.read_bytes())
    data[100] ^= 1
    path.write_bytes(bytes(data))
    sent = bytearray()
    with caplog.at_level(logging.ERROR), pytest.raises(ArchiveIntegrityError, match="SHA-256"):
        for chunk in archive:
            sent += chunk
    assert "申报书.pdf" in caplog.text
    assert bytes(data) not in bytes(sent)                   # the changed file never left whole
    with pytest.raises(zipfile.BadZipFile):
        zipfile.ZipFile(io.BytesIO(bytes(sent)))

    path.write_bytes(b"short")
    plan = ArchivePlan()
    plan.add_file("", "申报书.pdf", path, size, digest)
    with pytest.raises(ArchiveIntegrityError, match="申报书.pdf"):
        plan.build().check_sources()
    path.unlink()
    with pytest.raises(ArchiveIntegrityError):
        list(Archive([Entry("申报书.pdf", size, digest, source=path)]))


def test_a_file_with_its_crc_recorded_is_read_once_and_checked_as_it_streams(tmp_path, monkeypatch):
    """With the CRC-32 recorded, no file is read ahead: each is opened once, its SHA-256 worked out while it is sent
    (a large one's chunks on the hashing thread), and the ZIP's CRC-32s are right (zipfile checks them)."""
    opened = count_opens(monkeypatch)
    plan = ArchivePlan()
    contents = {}
    files = [os.urandom(5 * MB + 3), b"%PDF small" * 30, b"", os.urandom(archive_source.SMALL_FILE)]
    for index, data in enumerate(files):
        args, crc = recorded(tmp_path, f"f{index}", data)
        plan.add_file("", f"{index}.pdf", *args, **crc)
        contents[f"{index}.pdf"] = data
    opened_archive = verify(b"".join(plan.build()))
    assert {name: opened_archive.read(name) for name in contents} == contents
    assert sorted(opened) == sorted(str(tmp_path / f"f{index}") for index in range(4))


@pytest.mark.parametrize("size", [40 * 1024, 5 * MB + 100 * 1024])
def test_a_changed_file_with_its_crc_recorded_never_leaves_whole(tmp_path, caplog, size):
    original = os.urandom(size)
    args, crc = recorded(tmp_path, "a", original)
    plan = ArchivePlan()
    plan.add_file("", "申报书.pdf", *args, **crc)
    archive = plan.build()
    changed = bytearray(original)
    changed[-100] ^= 1                                      # same size, near the end: only the hash can tell
    args[0].write_bytes(bytes(changed))
    sent = bytearray()
    with caplog.at_level(logging.ERROR), pytest.raises(ArchiveIntegrityError, match="SHA-256"):
        for chunk in archive:
            sent += chunk
    assert "申报书.pdf" in caplog.text
    assert bytes(changed[-30 * 1024:]) not in bytes(sent)   # the last chunk was held back
    with pytest.raises(zipfile.BadZipFile):
        zipfile.ZipFile(io.BytesIO(bytes(sent)))


def test_a_file_grown_past_its_record_breaks_the_stream_read_once(tmp_path):
    args, crc = recorded(tmp_path, "a", b"x" * 1000)
    args[0].write_bytes(b"x" * 1001)
    plan = ArchivePlan()
    plan.add_file("", "a.pdf", *args, **crc)
    with pytest.raises(ArchiveIntegrityError, match="larger than the recorded"):
        b"".join(plan.build())


@pytest.mark.slow
def test_size_is_exact_at_the_zip64_entry_count_boundary():
    # 65,535 entries and more need the ZIP64 end records (0xFFFF in the classic record means "see ZIP64").
    for count in (65_534, 65_535, 65_536):
        archive = Archive([Entry(f"{n}.txt", 0, hashlib.sha256(b"").hexdigest(), data=b"") for n in range(count)])
        assert sum(len(chunk) for chunk in archive) == archive.size


def test_a_file_changed_between_its_check_and_its_streaming_breaks_the_stream(tmp_path, monkeypatch, caplog):
    """A stored file is checked ahead (size, SHA-256, CRC-32 for its header); the stream makes sure the file it sends
    is still that one (same inode, size and times)."""
    path, size, digest = stored(tmp_path, "a", os.urandom(3 * MB))
    plan = ArchivePlan()
    plan.add_file("", "申报书.pdf", path, size, digest)
    archive = plan.build()
    checked = []
    real = archive_source.identity

    def changing(handle):
        checked.append(real(handle))
        return checked[-1] if len(checked) < 3 else (*checked[-1][:2], checked[-1][2] + 1, checked[-1][3])

    monkeypatch.setattr(archive_source, "identity", changing)
    sent = bytearray()
    with caplog.at_level(logging.ERROR), pytest.raises(ArchiveIntegrityError, match="changed after it was checked"):
        for chunk in archive:
            sent += chunk
    assert "申报书.pdf" in caplog.text and len(checked) == 3
    assert path.read_bytes()[-MB:] not in bytes(sent)          # the last chunk was held back
