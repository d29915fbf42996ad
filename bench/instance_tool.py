"""Helpers the benchmarks run inside an instance (INSTANCE_PATH / DATABASE_URL from the environment), through the
app's own code, as `python -m bench.instance_tool <command> ...`; each prints one JSON object.

    enterprises N PASSWORD   register N enterprises (as the registration page does) and print their logins and
                             counties, the campaign's economic years and the guide's 环节 with their scenario ids
    status                   count applications by state, attachments and their bytes
    targets                  ids the page benchmark requests: a draft with 8+ 环节, a submitted application of 长沙市
    big-files GB MB          add files of MB megabytes of random data to the submitted applications' attachments
                             until GB gigabytes, written straight into the upload folder with their Attachment rows
    exports N                time the province summary workbook and one 申报书 Word file in-process, N times each
    archive-files LISTING    write the paths of the stored files the province archive streams into LISTING
"""
import json
import os
import sys

from sqlalchemy import func

from webapp import create_app
from webapp.accounts.operations import register_enterprise
from webapp.campaigns.lookup import current_campaign
from webapp.accounts.codes import check_character
from webapp.core.extensions import db
from webapp.models import (
    Application, ApplicationLink, ApplicationStatus, Attachment, AttachmentCategory, County, Link,
    RecommendingUnit,
)

def enterprises(count: int, password: str) -> dict:
    campaign = current_campaign()
    counties = db.session.execute(db.select(County.adcode).order_by(County.adcode)).scalars().all()
    logins = []
    for n in range(count):
        county = counties[(n * 7) % len(counties)]          # spread over the province's counties and units
        body = f"91{county}{880000 + n:09d}"
        user = register_enterprise(name=f"湖南压测{n}号智能装备有限公司", credit_code=body + check_character(body),
                                   county_adcode=county, contact_name="王晓燕",
                                   mobile="13787120002", password=password)
        logins.append({"login": user.login, "county": county, "name": user.enterprise.name})
        if n % 20 == 19:
            db.session.commit()
    db.session.commit()
    links = db.session.execute(db.select(Link).filter_by(edition_id=campaign.edition_id).order_by(Link.no)).scalars()
    return {"accounts": logins, "economic_years": campaign.economic_years,
            "links": [{"id": link.id, "no": link.no, "scenarios": [s.id for s in link.scenarios]} for link in links]}


def status() -> dict:
    states = dict(db.session.execute(db.select(Application.status, func.count()).group_by(Application.status)).all())
    files, size = db.session.execute(db.select(func.count(), func.coalesce(func.sum(Attachment.size), 0))).one()
    return {"applications": {s.value: states.get(s, 0) for s in ApplicationStatus},
            "attachments": files, "attachment_bytes": int(size)}


def targets() -> dict:
    """A draft with the most 环节 (its edit page is the largest), and a submitted application of 长沙市."""
    counts = (db.select(ApplicationLink.application_id, func.count().label("n"))
              .group_by(ApplicationLink.application_id).subquery())
    draft = db.session.execute(
        db.select(Application.id, counts.c.n).join(counts, counts.c.application_id == Application.id)
        .where(Application.status == ApplicationStatus.DRAFT).order_by(counts.c.n.desc(), Application.id).limit(1)
    ).first()
    changsha = db.session.execute(db.select(RecommendingUnit).where(
        RecommendingUnit.prefecture_adcode == "430100")).scalar_one()
    submitted = db.session.execute(
        db.select(Application.id, counts.c.n).join(counts, counts.c.application_id == Application.id)
        .where(Application.unit_id == changsha.id, Application.status == ApplicationStatus.SUBMITTED)
        .order_by(counts.c.n.desc(), Application.id).limit(1)).first()
    draft_login = db.session.get(Application, draft[0]).enterprise.users[0].login
    in_unit = db.session.execute(db.select(func.count()).select_from(Application).where(
        Application.unit_id == changsha.id, Application.status != ApplicationStatus.DRAFT)).scalar_one()
    return {"draft_id": draft[0], "draft_links": draft[1], "draft_login": draft_login,
            "submitted_id": submitted[0], "submitted_links": submitted[1], "changsha_queue": in_unit,
            "campaign_year": current_campaign().year, **status()}


def big_files(total_gb: float, file_mb: int) -> dict:
    """Random (incompressible) files of `file_mb` MB as extra 其他证明材料 of the archived applications, round-robin,
    until `total_gb` GB; each is a real file in the upload folder with its Attachment row, as an upload leaves it."""
    import hashlib
    import uuid
    import zlib

    from webapp.core.storage import attachment_path_for

    size = file_mb * 1024 * 1024
    count = int(total_gb * 1024 / file_mb + 0.999)
    archived = (ApplicationStatus.SUBMITTED, ApplicationStatus.RECOMMENDED, ApplicationStatus.NOT_RECOMMENDED)
    ids = db.session.execute(db.select(Application.id).where(Application.status.in_(archived))
                             .order_by(Application.id)).scalars().all()
    block = os.urandom(size)            # one random block, varied per file below (fast; still incompressible)
    written = 0
    for n in range(count):
        data = n.to_bytes(8, "big") + block[8:]
        stored = uuid.uuid4().hex
        path = attachment_path_for(stored)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        db.session.add(Attachment(application_id=ids[n % len(ids)], category=AttachmentCategory.OTHER,
                                  original_name=f"压测大文件{n + 1}.pdf", stored_name=stored,
                                  content_type="application/pdf", size=size,
                                  sha256=hashlib.sha256(data).hexdigest(), crc32=zlib.crc32(data)))
        written += size
        if n % 50 == 49:
            db.session.commit()
    db.session.commit()
    return {"files": count, "bytes": written, "applications": len(ids)}


def exports(repeat: int) -> dict:
    """In-process timings: the province summary workbook (collect + build) and one 申报书 Word file."""
    import time

    from webapp.exports.archives import summary_workbook
    from webapp.applications.word import render_application

    campaign = current_campaign()
    summary = []
    for _ in range(repeat):
        db.session.expire_all()
        started = time.perf_counter()
        data, _name = summary_workbook(campaign)
        summary.append(time.perf_counter() - started)
    counts = (db.select(ApplicationLink.application_id, func.count().label("n"))
              .group_by(ApplicationLink.application_id).subquery())
    largest = db.session.execute(db.select(Application.id).join(counts, counts.c.application_id == Application.id)
                                 .where(Application.status != ApplicationStatus.DRAFT)
                                 .order_by(counts.c.n.desc(), Application.id).limit(1)).scalar_one()
    word = []
    for _ in range(repeat):
        db.session.expire_all()
        started = time.perf_counter()
        document = render_application(db.session.get(Application, largest), draft=False)
        word.append(time.perf_counter() - started)
    links = db.session.execute(db.select(func.count()).select_from(ApplicationLink)
                               .where(ApplicationLink.application_id == largest)).scalar_one()
    return {"summary_seconds": [round(t, 3) for t in summary], "summary_bytes": len(data),
            "word_seconds": [round(t, 3) for t in word], "word_bytes": len(document), "word_application": largest,
            "word_application_links": links, "recommended": status()["applications"]["recommended"]}


def archive_files(listing: str) -> dict:
    """The stored files the province archive of the current campaign streams, one path a line into `listing`."""
    from webapp.exports.archives import campaign_archive

    archive = campaign_archive(current_campaign()).archive
    sources = [entry for entry in archive.entries if entry.source is not None]
    with open(listing, "w", encoding="utf-8") as out:
        for entry in sources:
            out.write(f"{entry.source}\n")
    return {"files": len(sources), "bytes": sum(entry.size for entry in sources), "zip_bytes": archive.size,
            "entries": archive.file_count}


def main(argv: list[str]) -> None:
    app = create_app()
    with app.app_context():
        command = argv[0]
        if command == "enterprises":
            result = enterprises(int(argv[1]), argv[2])
        elif command == "status":
            result = status()
        elif command == "targets":
            result = targets()
        elif command == "big-files":
            result = big_files(float(argv[1]), int(argv[2]))
        elif command == "exports":
            result = exports(int(argv[1]))
        elif command == "archive-files":
            result = archive_files(argv[1])
        else:
            raise SystemExit(f"unknown command {command}")
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1:])
