"""The demo's files: plausible proof documents (a minimal PDF, images, a workbook) for each category of 八, the scan
of the stamped 盖章版, and the pictures of a 场景's 技术方案 (PNG made from scratch, no image library)."""
import hashlib
import io
import random
import struct
import zlib

import openpyxl

from webapp.applications.stamped_scans import supersede_scans
from webapp.core.files import write_atomically
from webapp.core.storage import attachment_path_for, discard_unless_committed
from webapp.core.timeutil import utcnow
from webapp.models import Application, ApplicationScenario, Attachment, AttachmentCategory, FinalPrint
from webapp.ops.demo_trades import trade_of


PROOF_FILES = {
    AttachmentCategory.LICENSE: ["营业执照（副本）.pdf"],
    AttachmentCategory.AUDIT: ["{y0}年度财务审计报告.pdf", "{y1}年度财务审计报告.pdf", "{y2}年度财务审计报告.pdf",
                               "智能制造专项审计报告.pdf"],
    AttachmentCategory.EQUIPMENT: ["关键技术设备及软件清单.xlsx"],
    AttachmentCategory.STAFF: ["主要技术人员情况表.xlsx", "技术人员资质证书.pdf"],
    AttachmentCategory.PHOTOS: ["{workshop}.png", "自动化立体仓库.png"],
    AttachmentCategory.ACHIEVEMENTS: ["发明专利证书汇编.pdf", "软件著作权登记证书.pdf"],
    AttachmentCategory.OTHER: ["智能制造能力成熟度评估报告.pdf"],
}
STAMPED_SCAN_NAME = "盖章申报书扫描件.pdf"


CONTENT_TYPES = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png",
                 "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def add_proof_files(session, a: Application, write_files: bool) -> None:
    """One or more files per category of 八; with `write_files` real small files are stored (demo, exports)."""
    y0, y1, y2 = a.campaign.economic_years
    workshop = trade_of(a.company_name).workshop
    for category, names in PROOF_FILES.items():
        for name in names:
            name = name.format(y0=y0, y1=y1, y2=y2, workshop=workshop)
            data = proof_file_bytes(name, f"{a.company_name} {name}") if write_files else \
                f"{a.id}:{category.value}:{name}".encode()
            attachment = _attachment(a, category, name, data)
            session.add(attachment)
            if write_files:
                _store(attachment, data)


def add_stamped_scan(session, a: Application, final: FinalPrint, write_files: bool,
                     name: str = STAMPED_SCAN_NAME) -> Attachment:
    """The scan of the signed and stamped print of `final` (the 盖章版), replacing any earlier scan."""
    text = f"{a.company_name} 盖章申报书 第{final.version}版 校验码 {final.fingerprint} {final.generated_at}"
    data = proof_file_bytes(name, text) if write_files else text.encode()
    scan = _attachment(a, AttachmentCategory.STAMPED_SCAN, name, data, salt=f"{final.id}")
    scan.final_print, scan.document_version, scan.document_fingerprint = final, final.version, final.fingerprint
    scan.uploaded_at = utcnow()
    session.add(scan)
    session.flush()
    if write_files:
        _store(scan, data)
    supersede_scans(a, scan, scan.uploaded_at)
    return scan


def proof_file_bytes(name: str, text: str) -> bytes:
    """A small valid file of the type its name says (PDF, PNG or XLSX), so uploads' type checks would accept it."""
    kind = name.rsplit(".", 1)[-1]
    if kind == "png":
        return make_png(160, 90, seed=len(text))
    if kind == "xlsx":
        workbook = openpyxl.Workbook()
        workbook.active.append(["名称", "说明"])
        workbook.active.append([name, text])
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()
    return minimal_pdf(text)


def minimal_pdf(text: str) -> bytes:
    """A one-page PDF whose content stream carries `text` (as a hex string; no font needed to be valid)."""
    stream = f"BT /F1 12 Tf 72 720 Td <{text.encode('utf-16-be').hex()}> Tj ET".encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _store(attachment: Attachment, data: bytes) -> None:
    """Write a demo file into the upload folder atomically, but without the fsyncs of real uploads: demo data can be
    made again, and the fsyncs were a large part of the time `flask demo` takes."""
    path = attachment_path_for(attachment.stored_name)
    write_atomically(path, data, durable=False)
    discard_unless_committed(path)


def _attachment(a: Application, category: AttachmentCategory, name: str, data: bytes, scenario=None,
                salt: str = "") -> Attachment:
    digest = hashlib.sha256(data).hexdigest()
    stored = hashlib.sha256(f"{a.id}/{category.value}/{name}/{digest}/{salt}".encode()).hexdigest()[:32]
    return Attachment(application=a, category=category, app_scenario=scenario, original_name=name,
                      stored_name=stored, content_type=CONTENT_TYPES.get(name.rsplit(".", 1)[-1], "application/pdf"),
                      size=len(data), sha256=digest, crc32=zlib.crc32(data))


def add_solution_picture(session, scenario: ApplicationScenario, data: bytes,
                         name: str = "技术方案示意图.png", write_file: bool = False) -> Attachment:
    """A SOLUTION_PICTURE of a 场景 (its 采用的技术方案); stored in the upload folder with `write_file`."""
    application = scenario.app_link.application
    picture = _attachment(application, AttachmentCategory.SOLUTION_PICTURE, name, data, scenario,
                          salt=f"{scenario.id}/{len(scenario.pictures)}")
    session.add(picture)
    session.flush()
    if write_file:
        _store(picture, data)
    return picture


def make_png(width: int, height: int, noise: bool = False, seed: int = 0) -> bytes:
    """A valid RGB PNG: a colour gradient (small file), or random noise (incompressible: about width × height × 3
    bytes). No pixel density is recorded, so Word takes it at 72 dpi."""
    rng = random.Random(seed)
    gradient = bytes(value for x in range(width) for value in (x * 255 // max(width - 1, 1), 96 + seed % 128, 160))
    rows = [b"\x00" + (rng.randbytes(width * 3) if noise else gradient) for _y in range(height)]

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"".join(rows), 6))
            + chunk(b"IEND", b""))
