"""Atomic file writes (webapp/core/files.py): the target appears whole or not at all."""
import os

import pytest

from webapp.core.files import TEMP_PREFIX, write_atomically


def test_bytes_and_chunks_are_written_whole_with_progress(tmp_path):
    write_atomically(tmp_path / "a" / "one.bin", b"abc")
    seen = []
    write_atomically(tmp_path / "two.bin", iter([b"12", b"345"]), progress=seen.append)
    write_atomically(tmp_path / "three.bin", b"demo", durable=False)
    assert (tmp_path / "a" / "one.bin").read_bytes() == b"abc"
    assert (tmp_path / "two.bin").read_bytes() == b"12345" and seen == [2, 3]
    assert (tmp_path / "three.bin").read_bytes() == b"demo"


def test_a_failure_midway_leaves_neither_the_target_nor_a_temporary_file(tmp_path):
    (tmp_path / "kept.bin").write_bytes(b"old")

    def chunks():
        yield b"new"
        raise OSError("disk full")

    with pytest.raises(OSError):
        write_atomically(tmp_path / "kept.bin", chunks())
    assert (tmp_path / "kept.bin").read_bytes() == b"old"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(TEMP_PREFIX)]


def test_stored_files_are_private_and_exports_get_the_usual_mode(tmp_path):
    previous = os.umask(0o022)
    try:
        write_atomically(tmp_path / "stored.bin", b"x")
        write_atomically(tmp_path / "export.zip", iter([b"a", b"b"]), private=False)
    finally:
        os.umask(previous)
    assert (tmp_path / "stored.bin").stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "export.zip").stat().st_mode & 0o777 == 0o644
    assert (tmp_path / "export.zip").read_bytes() == b"ab"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export.zip", "stored.bin"]
