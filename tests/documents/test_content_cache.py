"""Generated documents kept by the digest of their data: built once per content, rebuilt when the data changes."""
import os
from datetime import date

from webapp import create_app
from webapp.documents import content_cache, docx_builder
from webapp.documents.content_cache import ContentCache
from webapp.documents.summary_xlsx import SummaryRow, UnitSummary


def summary(contact: str) -> UnitSummary:
    row = SummaryRow(order=1, company_name="湖南星沙智能装备有限公司", county="长沙县", app_type_label="标杆企业",
                     links=[("计划调度", ["高级计划排程"])], contact_name=contact, contact_phone="13800000000")
    return UnitSummary(year=2024, unit_name="长沙市工业和信息化局", fill_date=date(2024, 5, 8), rows=[row])


class Builder:
    def __init__(self):
        self.built = []

    def __call__(self, data):
        def build() -> bytes:
            self.built.append(data)
            return repr(data).encode()
        return build


def test_the_same_data_is_built_once():
    cache, build = ContentCache(), Builder()
    first = cache.get("unit-workbook", summary("张三"), build(summary("张三")))
    again = cache.get("unit-workbook", summary("张三"), build(summary("张三")))      # equal data, a new object
    assert again is first and len(build.built) == 1


def test_any_change_of_the_data_or_of_the_kind_is_built_again():
    cache, build = ContentCache(), Builder()
    cache.get("unit-workbook", summary("张三"), build("a"))
    cache.get("unit-workbook", summary("李四"), build("b"))           # a field deep in a row
    cache.get("letter", summary("张三"), build("c"))                   # another document of the same data
    assert build.built == ["a", "b", "c"]


def test_the_least_recently_used_goes_first():
    cache, build = ContentCache(size=2), Builder()
    for key in ("a", "b"):
        cache.get("doc", key, build(key))
    cache.get("doc", "a", build("a again"))                            # a is used: b is now the oldest
    cache.get("doc", "c", build("c"))
    cache.get("doc", "a", build("a third"))
    cache.get("doc", "b", build("b again"))
    assert build.built == ["a", "b", "c", "b again"]


# --- on disk: shared by the workers, kept across restarts -------------------------------------------------------

def test_a_new_process_reads_what_another_built(tmp_path):
    build = Builder()
    first = ContentCache().get("unit-workbook", summary("张三"), build("a"), tmp_path)
    again = ContentCache().get("unit-workbook", summary("张三"), build("b"), tmp_path)     # another worker
    assert again == first and build.built == ["a"]
    assert len(list(tmp_path.glob("*.bin"))) == 1


def test_a_damaged_file_is_built_again_and_replaced(tmp_path):
    built = []

    def build() -> bytes:
        built.append(1)
        return "推荐函".encode() * 100

    ContentCache().get("letter", summary("张三"), build, tmp_path)
    (kept,) = tmp_path.glob("*.bin")
    stored = kept.read_bytes()
    assert stored[content_cache.DIGEST:] == "推荐函".encode() * 100
    kept.write_bytes(stored[:-1] + bytes([stored[-1] ^ 1]))                  # one bit flipped on disk
    assert ContentCache().get("letter", summary("张三"), build, tmp_path) == "推荐函".encode() * 100
    assert len(built) == 2 and kept.read_bytes() == stored
    kept.write_bytes(stored[:10])                                            # cut short
    assert ContentCache().get("letter", summary("张三"), build, tmp_path) == "推荐函".encode() * 100
    assert len(built) == 3 and kept.read_bytes() == stored


def test_a_new_version_of_the_code_builds_again(tmp_path, monkeypatch):
    build = Builder()
    ContentCache().get("letter", summary("张三"), build("old"), tmp_path)
    monkeypatch.setattr(content_cache, "code_version", lambda: b"a deploy later")
    ContentCache().get("letter", summary("张三"), build("new"), tmp_path)
    assert build.built == ["old", "new"]


def test_the_code_version_follows_the_code_and_the_templates(tmp_path, monkeypatch):
    app = tmp_path / "webapp"
    (app / "documents" / "templates").mkdir(parents=True)
    (app / "__pycache__").mkdir()
    (app / "views.py").write_text("A = 1\n")
    (app / "documents" / "templates" / "form.docx").write_bytes(b"PK template")
    monkeypatch.setattr(content_cache, "_APP", app)
    version = content_cache.code_version.__wrapped__

    def after(change) -> bytes:
        before = version()
        change()
        return before

    assert after(lambda: (app / "__pycache__" / "views.pyc").write_bytes(b"compiled")) == version()
    assert after(lambda: (app / "notes.txt").write_text("not code")) == version()
    assert after(lambda: (app / "views.py").write_text("A = 2\n")) != version()
    assert after(lambda: (app / "documents" / "templates" / "form.docx").write_bytes(b"PK changed")) != version()
    assert after(lambda: (app / "views.py").rename(app / "other.py")) != version()


def test_what_documents_are_made_from_is_read_when_the_app_is_made(tmp_path, monkeypatch):
    """An upgrade's `git pull` replaces the files before the workers restart: a worker running the old code must keep
    the old Word template and the old code version (the key of what it keeps)."""
    code = tmp_path / "webapp"
    code.mkdir()
    (code / "views.py").write_text("A = 1\n")
    template = tmp_path / "shenbaoshu.docx"
    template.write_bytes(b"PK old template")
    monkeypatch.setattr(content_cache, "_APP", code)
    monkeypatch.setattr(docx_builder, "TEMPLATE_PATH", template)
    for cached in (content_cache.code_version, docx_builder.word_template):
        cached.cache_clear()
    try:
        create_app({"INSTANCE_PATH": str(tmp_path / "instance"), "SECRET_KEY": "test", "TESTING": True})
        (code / "views.py").write_text("A = 2\n")                          # the new files
        template.write_bytes(b"PK new template")
        assert content_cache.code_version() != content_cache.code_version.__wrapped__()
        assert docx_builder.word_template() == b"PK old template"
    finally:
        for cached in (content_cache.code_version, docx_builder.word_template):
            cached.cache_clear()


def test_the_folder_keeps_the_most_recently_used(tmp_path):
    build = Builder()
    cache = ContentCache(size=1, files=4)
    for n in range(4):
        cache.get("doc", n, build(n), tmp_path)
    paths = sorted(tmp_path.glob("*.bin"), key=lambda p: p.stat().st_mtime)
    for age, path in enumerate(paths):                                       # mtimes a second apart, 0 the oldest
        os.utime(path, (1_000_000 + age, 1_000_000 + age))
    ContentCache().get("doc", 0, build("0 again"), tmp_path)                 # read from disk: now the newest
    cache.get("doc", 4, build(4), tmp_path)                                   # the fifth: prunes to three
    assert len(list(tmp_path.glob("*.bin"))) == 3
    fresh = ContentCache()
    for n in (0, 4, 3):
        fresh.get("doc", n, build(f"{n} lost"), tmp_path)
    assert build.built == [0, 1, 2, 3, 4]


def test_a_folder_that_cannot_keep_it_still_gives_the_document(tmp_path, caplog):
    blocked = tmp_path / "generated"
    blocked.write_bytes(b"a file where the folder should be")
    build = Builder()
    assert ContentCache().get("letter", summary("张三"), build("a"), blocked) == repr("a").encode()
    assert build.built == ["a"] and "not kept" in caplog.text
