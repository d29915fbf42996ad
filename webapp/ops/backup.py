"""Backup and restore of everything the system keeps: the database, the uploads and the generated documents.

No Flask requests here: the CLI (`flask --app wsgi backup --out DIR`, `flask --app wsgi restore DIR`) passes the
database URL and the folders.

Backup, while the app is serving:
- the files are copied once before the database snapshot and once more after it (new files only). Stored files are
  never changed in place (a new upload gets a new generated name; a deleted row's file goes only after its deletion
  commits), so every file the snapshot refers to is in the copy; any that is not is listed in the manifest;
- the database: SQLite through its online backup API in one step (one read transaction: a consistent snapshot while
  writers go on under WAL); PostgreSQL with pg_dump (one consistent snapshot by design), which must be installed;
- manifest.json lists every file with its size and SHA-256 (and SHA256SUMS the same for `sha256sum -c`);
- the backup is written into a temporary folder beside DIR and renamed to DIR at the end: a DIR that exists is whole.

Restore checks every file against the manifest BEFORE it replaces anything, and refuses on any difference. It then
builds the new folders and database file beside the live ones and swaps them in by renaming (SQLite: the verified
copy is written into the live file by the backup API in one transaction; PostgreSQL: pg_restore in one transaction).
The app should be stopped while restoring.
"""
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath

from sqlalchemy.engine import make_url

from webapp.core.files import TEMP_PREFIX, fsync_dir

FORMAT = "hunan-benchmark-backup/1"
MANIFEST = "manifest.json"
CHECKSUMS = "SHA256SUMS"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
FOLDERS = ("uploads", "documents")
# Never copied: uploads still being received, temporary files of atomic writes, the regenerable PDFs and
# generated workbooks and letters.
SKIP_DIRS = {".incoming", "pdf", "generated"}
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot be done; the message (Chinese) says why. Nothing was replaced."""


@dataclass
class BackupResult:
    folder: Path
    files: int
    size: int
    database: str
    missing: list[str] = field(default_factory=list)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as source:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _kind(database_uri: str) -> str:
    backend = make_url(database_uri).get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise BackupError(f"不支持的数据库类型：{backend}")
    return backend


def _sqlite_path(database_uri: str) -> Path:
    database = make_url(database_uri).database
    if not database or database == ":memory:":
        raise BackupError("内存数据库无法备份。")
    return Path(database)


def _pg_env(database_uri: str) -> dict:
    """libpq settings from the URL: the password goes in the environment, never on a command line."""
    url = make_url(database_uri)
    env = dict(os.environ)
    for name, value in (("PGHOST", url.host), ("PGPORT", url.port), ("PGUSER", url.username),
                        ("PGPASSWORD", url.password), ("PGDATABASE", url.database)):
        if value is not None:
            env[name] = str(value)
    return env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"未找到 {name}：PostgreSQL 数据库的备份和恢复需要安装 PostgreSQL 客户端工具"
                          f"（Debian/Ubuntu：apt-get install postgresql-client，版本不低于服务器版本）。")
    return path


# ---- backup ---------------------------------------------------------------------------------------------------

def _stored_files(root: Path) -> list[Path]:
    """The files under a storage folder worth keeping, relative to it."""
    if not root.is_dir():
        return []
    found = []
    for directory, subdirs, files in os.walk(root):
        subdirs[:] = sorted(d for d in subdirs if d not in SKIP_DIRS or Path(directory) != root)
        for name in sorted(files):
            if not name.startswith(TEMP_PREFIX):
                found.append((Path(directory) / name).relative_to(root))
    return found


def _copy_new_files(source_root: Path, target_root: Path) -> None:
    for relative in _stored_files(source_root):
        target = target_root / relative
        if target.exists():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            shutil.copy2(source_root / relative, target)
        except FileNotFoundError:
            pass        # deleted meanwhile (its row was deleted and committed): not needed


def _snapshot_sqlite(database_uri: str, target: Path) -> None:
    source_path = _sqlite_path(database_uri)
    if not source_path.is_file():
        raise BackupError(f"数据库文件不存在：{source_path}")
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True, timeout=60)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)     # pages=-1: all pages in one step, under one read transaction
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        if copy.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError("数据库副本完整性检查未通过。")
    finally:
        copy.close()
        source.close()


def _snapshot_postgres(database_uri: str, target: Path) -> None:
    result = subprocess.run([_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
                             f"--file={target}"], env=_pg_env(database_uri), capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"pg_dump 失败：{result.stderr.strip()[:500]}")


def _referenced_files(database_file: Path) -> set[str]:
    """The stored files a SQLite snapshot refers to, as paths inside the backup."""
    connection = sqlite3.connect(f"file:{database_file}?mode=ro", uri=True)
    try:
        uploads = [row[0] for row in connection.execute("SELECT stored_name FROM attachment")]
        documents = [row[0] for row in connection.execute(
            "SELECT docx_stored_name FROM snapshot WHERE docx_stored_name IS NOT NULL")]
    finally:
        connection.close()
    return ({f"uploads/{name[:2]}/{name}" for name in uploads}
            | {f"documents/{name[:2]}/{name}" for name in documents})


def create_backup(database_uri: str, upload_folder: str | Path, document_folder: str | Path,
                  out: str | Path, *, revision: str | None = None) -> BackupResult:
    """Write a complete backup to `out` (which must not exist yet, or be an empty folder)."""
    out = Path(out).resolve()
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise BackupError(f"目标 {out} 已存在且不是空目录，为避免覆盖已有备份，请换一个目录。")
    out.parent.mkdir(parents=True, exist_ok=True)
    kind = _kind(database_uri)
    roots = {"uploads": Path(upload_folder), "documents": Path(document_folder)}
    work = out.parent / f".{out.name}.partial-{uuid.uuid4().hex[:8]}"
    work.mkdir()
    try:
        for name, root in roots.items():
            _copy_new_files(root, work / name)              # before the snapshot: every file that may be referred to
        database_file = work / (SQLITE_FILE if kind == "sqlite" else PG_FILE)
        created_at = datetime.now(timezone.utc)
        if kind == "sqlite":
            _snapshot_sqlite(database_uri, database_file)
        else:
            _snapshot_postgres(database_uri, database_file)
        for name, root in roots.items():
            _copy_new_files(root, work / name)              # after it: files committed while it was taken
        files = {}
        for path in sorted(p for p in work.rglob("*") if p.is_file()):
            relative = path.relative_to(work).as_posix()
            files[relative] = {"size": path.stat().st_size, "sha256": sha256_of(path)}
        missing = sorted(_referenced_files(database_file) - set(files)) if kind == "sqlite" else []
        manifest = {"format": FORMAT, "created_at": created_at.isoformat(timespec="seconds"),
                    "database": {"kind": kind, "file": database_file.name, "revision": revision},
                    "files": files, "missing": missing}
        (work / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        (work / CHECKSUMS).write_text("".join(f"{v['sha256']}  {k}\n" for k, v in files.items()), encoding="utf-8")
        for path in work.rglob("*"):
            if path.is_file():
                with open(path, "rb") as handle:
                    os.fsync(handle.fileno())
        if out.exists():
            out.rmdir()
        os.replace(work, out)
        fsync_dir(out.parent)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return BackupResult(folder=out, files=len(files), size=sum(v["size"] for v in files.values()),
                        database=kind, missing=missing)


# ---- restore ---------------------------------------------------------------------------------------------------

def _safe_relative(name: str) -> PurePosixPath:
    """A manifest path inside the backup: relative, no '..', under a known place."""
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts or "\\" in name \
            or (path.parts[0] not in FOLDERS and name not in (SQLITE_FILE, PG_FILE)):
        raise BackupError(f"备份清单中的路径无效：{name!r}")
    return path


def verify_backup(folder: str | Path) -> dict:
    """Check every file of the backup against its manifest; the manifest if all is well, else BackupError."""
    folder = Path(folder)
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(f"无法读取备份清单 {MANIFEST}：{exc}")
    if manifest.get("format") != FORMAT or not isinstance(manifest.get("files"), dict):
        raise BackupError("备份清单格式不正确，不是本系统生成的备份。")
    database = manifest.get("database") or {}
    if database.get("file") not in manifest["files"]:
        raise BackupError("备份清单中没有数据库文件。")
    problems = []
    for name, expected in manifest["files"].items():
        path = folder / _safe_relative(name)
        if not path.is_file():
            problems.append(f"缺少文件 {name}")
        elif path.stat().st_size != expected.get("size") or sha256_of(path) != expected.get("sha256"):
            problems.append(f"文件 {name} 与清单不符（已损坏或被改动）")
    listed = set(manifest["files"]) | {MANIFEST, CHECKSUMS}
    for path in folder.rglob("*"):
        if path.is_file() and path.relative_to(folder).as_posix() not in listed:
            problems.append(f"清单之外的文件 {path.relative_to(folder).as_posix()}")
    if problems:
        shown = "；".join(problems[:20]) + (f"；等共 {len(problems)} 处" if len(problems) > 20 else "")
        raise BackupError(f"备份校验未通过，未做任何恢复：{shown}")
    return manifest


def _build_folder(backup: Path, manifest: dict, name: str, live: Path) -> Path:
    """A copy of the backup's `name` folder beside the live one (same file system, so it can be renamed in)."""
    live.parent.mkdir(parents=True, exist_ok=True)
    staged = live.parent / f".{live.name}.restore-{uuid.uuid4().hex[:8]}"
    staged.mkdir()
    for relative in manifest["files"]:
        parts = _safe_relative(relative).parts
        if parts[0] != name:
            continue
        target = staged.joinpath(*parts[1:])
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(backup.joinpath(*parts), target)
        if sha256_of(target) != manifest["files"][relative]["sha256"]:
            raise BackupError(f"复制 {relative} 时校验失败，未做任何恢复。")
    return staged


def _swap_folder(staged: Path, live: Path) -> None:
    """Rename the staged folder into place; the old one is kept until then and removed after."""
    old = live.parent / f".{live.name}.old-{uuid.uuid4().hex[:8]}"
    if live.exists():
        os.replace(live, old)
    os.replace(staged, live)
    fsync_dir(live.parent)
    shutil.rmtree(old, ignore_errors=True)


def _stage_sqlite(backup_file: Path, live: Path) -> Path:
    live.parent.mkdir(parents=True, exist_ok=True)
    staged = live.parent / f".{live.name}.restore-{uuid.uuid4().hex[:8]}"
    shutil.copy2(backup_file, staged)
    connection = sqlite3.connect(staged)
    try:
        if connection.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError("备份中的数据库未通过完整性检查，未做任何恢复。")
    finally:
        connection.close()
    return staged


def _restore_sqlite(staged: Path, live: Path) -> None:
    """Into an existing database: the backup API writes every page in one transaction (WAL and readers handled by
    SQLite). No database yet: rename the staged file into place."""
    if not live.exists():
        os.replace(staged, live)
        fsync_dir(live.parent)
        return
    source = sqlite3.connect(f"file:{staged}?mode=ro", uri=True)
    target = sqlite3.connect(live, timeout=60)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()
    staged.unlink(missing_ok=True)


def _restore_postgres(backup_file: Path, database_uri: str) -> None:
    result = subprocess.run([_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",
                             "--single-transaction", "--exit-on-error", f"--dbname={make_url(database_uri).database}",
                             str(backup_file)], env=_pg_env(database_uri), capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"pg_restore 失败（数据库未改动）：{result.stderr.strip()[:500]}")


def restore_backup(folder: str | Path, database_uri: str, upload_folder: str | Path,
                   document_folder: str | Path) -> dict:
    """Verify the backup, then replace the database and the two folders with its content. Returns the manifest."""
    folder = Path(folder)
    manifest = verify_backup(folder)
    kind = _kind(database_uri)
    if manifest["database"]["kind"] != kind:
        raise BackupError(f"备份的数据库类型（{manifest['database']['kind']}）与当前配置（{kind}）不同，未做任何恢复。")
    if kind == "postgresql":
        _tool("pg_restore")
    lives = {"uploads": Path(upload_folder), "documents": Path(document_folder)}
    staged_folders, staged_db = {}, None
    try:
        for name, live in lives.items():
            staged_folders[name] = _build_folder(folder, manifest, name, live)
        backup_file = folder / manifest["database"]["file"]
        if kind == "sqlite":
            staged_db = _stage_sqlite(backup_file, _sqlite_path(database_uri))
            _restore_sqlite(staged_db, _sqlite_path(database_uri))
        else:
            _restore_postgres(backup_file, database_uri)
        for name, live in lives.items():
            _swap_folder(staged_folders.pop(name), live)
    finally:
        for staged in staged_folders.values():
            shutil.rmtree(staged, ignore_errors=True)
        if staged_db is not None:
            staged_db.unlink(missing_ok=True)
    return manifest
