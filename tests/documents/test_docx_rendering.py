"""The Word files as LibreOffice prints them with Debian's fonts: A4 pages, a footer on every page, nothing outside
the text area, the footnotes, no missing glyphs.

Needs LibreOffice (libreoffice-writer-nogui), poppler-utils and fonts-noto-cjk; CI (.ci/run) installs them. Where
they are missing the tests are skipped with the reason. The conversion uses the server's own (documents.pdf.convert_to_pdf),
with the fontconfig fallbacks of the document's Chinese fonts.
"""
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.documents.word_form import GENERATED_AT, build
from webapp.documents.pdf import convert_to_pdf
from webapp.core.extensions import db
from webapp.documents.docx_builder import application_context, render_blank, render_docx
from webapp.models import ApplicationType
from webapp.ops.word_template.footnotes import FOOTNOTES

TOOLS = ("soffice", "pdfinfo", "pdftotext", "pdffonts", "pdftoppm")
MISSING = [tool for tool in TOOLS if shutil.which(tool) is None]
NO_CJK_FONT = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True).stdout.strip() == "" \
    if shutil.which("fc-list") else True
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(bool(MISSING), reason=f"LibreOffice/poppler not installed (missing: {', '.join(MISSING)}); "
                                             "CI installs libreoffice-writer-nogui and poppler-utils"),
    pytest.mark.skipif(NO_CJK_FONT, reason="no Chinese font installed (fonts-noto-cjk); CI installs it"),
]

A4 = (595.3, 841.9)                      # points
TEXT_AREA_CM = (3.17, 21.0 - 3.17)       # left and right margins of the template
DPI = 50
HOSTILE = "A&B<公司>"
CONTROL = "\x00\x07\x0b\x0c\x1b\x1f"
LONG_NAME = "基于工业互联网平台的高端液压装备全流程数字化、网络化、智能化改造与协同制造示范工厂建设项目"
# The fonts a page may use: Debian's CJK fonts for the Chinese fonts, Liberation for Times New Roman, DejaVu for the
# check marks. Anything else would be a fallback for a glyph none of them has.
KNOWN_FONTS = re.compile(r"^[A-Z]{6}\+(NotoSerifCJK|NotoSansCJK|LiberationSerif|DejaVuSans)")


def _run(*command: str) -> str:
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


_PRINTED: dict = {}        # converted once for the module: a LibreOffice run takes seconds per file


@pytest.fixture
def pdfs(request, tmp_path_factory):
    """企业 and 车间 applications, a hostile one and the blank form, converted in one LibreOffice run."""
    if not _PRINTED:
        ctx = request.getfixturevalue("ctx")
        contexts = _contexts(ctx)
        documents = {name: render_docx(context, lambda picture: b"") for name, context in contexts.items()}
        documents["blank"] = render_blank([2021, 2022, 2023])
        work = tmp_path_factory.mktemp("printed")
        for name, data in convert_to_pdf(documents, work).items():
            assert data.startswith(b"%PDF"), name
        _PRINTED.update(paths={name: work / f"{name}.pdf" for name in documents}, contexts=contexts)
    return _PRINTED["paths"], _PRINTED["contexts"]


def _contexts(ctx) -> dict:
    contexts = {}
    for name, app_type, links in (("enterprise", ApplicationType.ENTERPRISE, 8),
                                  ("workshop", ApplicationType.WORKSHOP, 4)):
        application = build(ctx, app_type, name=f"湖南{name}智能装备股份有限公司", links=links, scenarios_per_link=2)
        application.project_name, application.contact_email = LONG_NAME, "wangxiaoyan@xiangjiang-im.com.cn"
        contexts[name] = application_context(application, generated_at=GENERATED_AT, draft=False)
    hostile = build(ctx, name=HOSTILE, links=2, scenarios_per_link=1)
    with db.session.no_autoflush:        # PostgreSQL would refuse the NUL characters at a flush
        hostile.company_name = HOSTILE
        hostile.links[0].scenarios[0].description = ("一行文字\n" * 40)[:300] + CONTROL
        contexts["hostile"] = application_context(hostile, generated_at=GENERATED_AT, draft=True)
    return contexts


def pages_text(pdf: Path) -> list[str]:
    return _run("pdftotext", "-layout", str(pdf), "-").split("\f")[:-1]


def test_every_page_is_a4_with_its_footer(pdfs):
    paths, contexts = pdfs
    for name, pdf in paths.items():
        sizes = re.findall(r"Page +\d+ size: +([\d.]+) x ([\d.]+) pts", _run("pdfinfo", "-f", "1", "-l", "999", str(pdf)))
        pages = pages_text(pdf)
        assert sizes and len(sizes) == len(pages), name
        assert all(abs(float(w) - A4[0]) < 1 and abs(float(h) - A4[1]) < 1 for w, h in sizes), name
        for number, text in enumerate(pages, start=1):
            assert f"第 {number} 页 / 共 {len(pages)} 页" in text, (name, number)
            expected = "空白表" if name == "blank" else f"校验码 {contexts[name]['fingerprint']}"
            assert expected in text, (name, number)


def ink_columns(pdf: Path, work: Path) -> list[tuple[int, int, int]]:
    """Per page: the page width and the leftmost and rightmost column holding a dark pixel (grey PGM pages)."""
    _run("pdftoppm", "-gray", "-r", str(DPI), str(pdf), str(work / pdf.stem))
    extents = []
    for page in sorted(work.glob(f"{pdf.stem}-*.pgm")):
        header, width, height, pixels = _pgm(page.read_bytes())
        dark = bytes(range(256)).maketrans(bytes(range(128)), b"#" * 128)
        left, right = width, -1
        for y in range(height):
            row = pixels[y * width:(y + 1) * width].translate(dark)
            first = row.find(b"#")
            if first >= 0:
                left, right = min(left, first), max(right, row.rfind(b"#"))
        extents.append((width, left, right))
    return extents


def _pgm(data: bytes) -> tuple[bytes, int, int, bytes]:
    magic, size, depth, pixels = data.split(b"\n", 3)
    width, height = map(int, size.split())
    return magic, width, height, pixels


def test_nothing_is_printed_outside_the_text_area(pdfs, tmp_path):
    paths, _ = pdfs
    tolerance = 0.15                                         # cm: table borders sit on the cells' edges
    for name, pdf in paths.items():
        widest = (99.0, 0.0)
        for number, (width, left, right) in enumerate(ink_columns(pdf, tmp_path), start=1):
            if right < 0:
                continue
            cm = 21.0 / width
            assert left * cm >= TEXT_AREA_CM[0] - tolerance, (name, number, left * cm)
            assert (right + 1) * cm <= TEXT_AREA_CM[1] + tolerance, (name, number, (right + 1) * cm)
            widest = (min(widest[0], left * cm), max(widest[1], (right + 1) * cm))
        # The 基本情况表 spans the text width: the measure sees its borders at both margins.
        assert abs(widest[0] - TEXT_AREA_CM[0]) < 0.3 and abs(widest[1] - TEXT_AREA_CM[1]) < 0.3, (name, widest)


def test_footnotes_and_one_line_values_are_on_the_pages(pdfs):
    paths, _ = pdfs
    for name in ("enterprise", "workshop", "blank"):
        text = re.sub(r"\s+", "", "".join(pages_text(paths[name])))
        for note in FOOTNOTES.values():
            assert re.sub(r"\s+", "", note) in text, (name, note[:12])
        assert "附：盖章申报书扫描件" not in text
    for name in ("enterprise", "workshop"):
        lines = "".join(pages_text(paths[name]))
        assert "wangxiaoyan@xiangjiang-im.com.cn" in lines        # on one line, not broken mid-address


def test_only_debian_fonts_are_used_and_every_glyph_has_one(pdfs):
    paths, _ = pdfs
    for name, pdf in paths.items():
        rows = _run("pdffonts", str(pdf)).splitlines()[2:]
        fonts = [row.split()[0] for row in rows]
        assert fonts and all(KNOWN_FONTS.match(font) for font in fonts), (name, fonts)
        assert all(" yes " in row for row in rows), name           # embedded
        assert any(font[7:].startswith("NotoSerifCJK") for font in fonts), name    # 宋体/仿宋 mapped to a serif
    text = "".join(pages_text(paths["hostile"]))
    assert HOSTILE in text and "草稿" in text
