"""Photos on a public submission (网上反映): up to 3 JPG/PNG checked like staff attachments and
kept pending; the office makes each public or not on the issue page; the public issue page and
its photo route show only approved photos of a published issue, without the EXIF GPS block."""
import io
import re
import struct
import zlib
from pathlib import Path

import pytest
from PIL import ExifTags, Image
from sqlmodel import select

from models import Attachment, Issue, IssueEvent
from service.intake.categories import seed_defaults

from ..console import Console
from ..helpers import EVALUATE
from ..public_helpers import SUBMISSION, challenge_answer, hidden_value, walk

LATITUDE = struct.pack("<IIIIII", 39, 1, 54, 1, 123456, 10000)   # 39°54'12.3456"


def png(width: int = 8, height: int = 6, rgb=(200, 60, 40), extra: bytes = b"") -> bytes:
    """A real PNG image (and `extra` chunks before its data)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)) + extra
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def exif_with_gps() -> bytes:
    """An Exif TIFF block (little-endian): IFD0 with the camera make and the GPS pointer, the GPS
    IFD with the latitude's reference and its three rationals."""
    make_at, gps_at = 8 + 2 + 2 * 12 + 4, 8 + 2 + 2 * 12 + 4 + 8
    lat_at = gps_at + 2 + 2 * 12 + 4
    ifd0 = struct.pack("<H", 2) + struct.pack("<HHII", 0x010F, 2, 8, make_at) \
        + struct.pack("<HHII", 0x8825, 4, 1, gps_at) + struct.pack("<I", 0)
    gps = struct.pack("<H", 2) + struct.pack("<HHI", 0x0001, 2, 2) + b"N\x00\x00\x00" \
        + struct.pack("<HHII", 0x0002, 5, 3, lat_at) + struct.pack("<I", 0)
    return b"II*\x00" + struct.pack("<I", 8) + ifd0 + b"TestCam\x00" + gps + LATITUDE


def jpeg_with_gps() -> bytes:
    """A real JPEG picture (a phone's, as it sends it) carrying the Exif block with its location."""
    out = io.BytesIO()
    Image.new("RGB", (16, 12), (40, 120, 200)).save(out, "JPEG", quality=90, exif=b"Exif\x00\x00" + exif_with_gps())
    return out.getvalue()


@pytest.fixture
def ready(app, db):
    seed_defaults(db)
    saved = app.config["SUBMIT_MIN_SECONDS"]
    app.config["SUBMIT_MIN_SECONDS"] = 0
    yield
    app.config["SUBMIT_MIN_SECONDS"] = saved


def send(client, files: list[tuple[bytes, str]], **fields):
    page = client.get("/submit").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page and 'name="photos"' in page
    data = {**SUBMISSION, **fields, "csrf_token": hidden_value(page, "csrf_token"),
            "challenge": hidden_value(page, "challenge"), "answer": challenge_answer(page),
            "photos": [(io.BytesIO(content), name) for content, name in files]}
    return client.post("/submit", data=data, content_type="multipart/form-data")


def stored(app) -> set[str]:
    folder = Path(app.config["ATTACHMENTS_DIR"])
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


def counts(db) -> tuple[int, int]:
    db.rollback()
    return len(db.exec(select(Issue)).all()), len(db.exec(select(Attachment)).all())


def submitted_issue(db) -> Issue:
    db.rollback()
    return db.exec(select(Issue).order_by(Issue.id.desc())).first()


def publish(api, issue: Issue) -> None:
    walk(api, {"id": issue.id}, [
        ("assign", "coordinator", api.assign_body()), ("accept", "fgj", {"note": "已签收"}),
        ("reply", "fgj", {"result": "路灯已修复。"}), ("visit", "coordinator", {"satisfaction": "satisfied"}),
        EVALUATE, ("publish", "coordinator", {"public_summary": "纬二路路灯已修复。"})])


def test_two_photos_are_kept_pending_and_shown_publicly_only_once_approved(ready, app, api, client, db):
    resp = send(client, [(png(), "路灯.png"), (jpeg_with_gps(), "现场.jpg")])
    assert resp.status_code == 303, resp.get_data(as_text=True)
    issue = submitted_issue(db)
    photos = db.exec(select(Attachment).where(Attachment.issue_id == issue.id).order_by(Attachment.id)).all()
    assert [(p.filename, p.content_type, p.public_status, p.uploaded_by_id) for p in photos] == [
        ("路灯.png", "image/png", "pending", None), ("现场.jpg", "image/jpeg", "pending", None)]
    assert {p.stored_name for p in photos} <= stored(app)

    office = Console(app, "coordinator")
    page = office.text(f"/console/issues/{issue.id}")
    assert page.count("待审核，未公开") == 2 and "反映人随网上反映上传的照片" in page
    # staff download the file as it was sent, location and all
    original = office.get(f"/console/attachments/{photos[1].id}").data
    assert original == jpeg_with_gps() and LATITUDE in original

    publish(api, issue)
    photo_url = f"/issues/{issue.code}/photos/{photos[1].id}"
    assert client.get(photo_url).status_code == 404            # published, but not approved
    assert "data-photos" not in client.get(f"/issues/{issue.code}").get_data(as_text=True)

    assert office.post(f"/console/attachments/{photos[1].id}/public", {"public": "1"}).status_code == 302
    shown = client.get(photo_url)
    assert shown.status_code == 200 and shown.mimetype == "image/jpeg"
    assert "no-store" in shown.headers["Cache-Control"]
    assert LATITUDE not in shown.data and b"TestCam" in shown.data            # the location gone, the rest kept
    with Image.open(io.BytesIO(shown.data)) as picture:
        assert picture.format == "JPEG" and picture.size == (16, 12)
        assert ExifTags.IFD.GPSInfo not in picture.getexif() and picture.getexif()[0x010F] == "TestCam"
    html = client.get(f"/issues/{issue.code}").get_data(as_text=True)
    assert html.count(f'/issues/{issue.code}/photos/') == 2 and "现场.jpg" not in html   # link and image, no name
    assert client.get(f"/issues/{issue.code}/photos/{photos[0].id}").status_code == 404   # the other still pending

    # taken off again: 404 at once
    assert office.post(f"/console/attachments/{photos[1].id}/public", {"public": "0"}).status_code == 302
    assert client.get(photo_url).status_code == 404
    db.rollback()
    reviews = db.exec(select(IssueEvent).where(IssueEvent.issue_id == issue.id,
                                               IssueEvent.action == "photo_review")).all()
    assert [e.data["public"] for e in reviews] == [True, False]
    assert "照片公开审核" in office.text(f"/console/issues/{issue.id}")


def test_a_photo_of_an_unpublished_issue_or_another_issue_is_404(ready, app, api, client, db):
    assert send(client, [(png(), "a.png")]).status_code == 303
    issue = submitted_issue(db)
    photo = db.exec(select(Attachment).where(Attachment.issue_id == issue.id)).one()
    office = Console(app, "coordinator")
    office.post(f"/console/attachments/{photo.id}/public", {"public": "1"})
    assert client.get(f"/issues/{issue.code}/photos/{photo.id}").status_code == 404   # not published yet
    publish(api, issue)
    assert client.get(f"/issues/{issue.code}/photos/{photo.id}").status_code == 200
    assert client.get(f"/issues/{issue.code.lower()}/photos/{photo.id}").status_code == 200
    other = api.create_issue()
    assert client.get(f"/issues/{other['code']}/photos/{photo.id}").status_code == 404
    # a staff attachment is never made public
    staff = office.post(f"/console/issues/{other['id']}/attachments",
                        {"file": (io.BytesIO(png()), "staff.png")}, content_type="multipart/form-data")
    assert staff.status_code == 302
    db.rollback()
    kept = db.exec(select(Attachment).where(Attachment.issue_id == other["id"])).one()
    assert kept.public_status is None
    assert office.post(f"/console/attachments/{kept.id}/public", {"public": "1"}).status_code == 409


@pytest.mark.parametrize("files, message", [
    ([(b"\xff\xd8\xff" + b"\x00" * (10 * 1024 * 1024), "big.jpg")], "“big.jpg”超过 10 MB，请压缩后再上传"),
    ([(b"%PDF-1.7\n%%EOF\n", "report.pdf")], "“report.pdf”不是照片：只能上传 JPG 或 PNG 图片"),
    ([(b"MZ\x90\x00this is a program", "photo.jpg")], "“photo.jpg”的内容不是 JPG 图片，请上传真实的照片"),
    ([(png(), f"{n}.png") for n in range(4)], "最多上传 3 张照片，您选了 4 张"),
])
def test_a_refused_photo_names_the_reason_and_nothing_is_saved(ready, app, client, db, files, message):
    before, files_before = counts(db), stored(app)
    resp = send(client, [(png(), "fine.png")] + files[:3] if len(files) < 4 else files)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and message in html
    assert re.search(r'class="form-control is-invalid" type="file" id="f-photos"', html)
    assert "如选了照片请重新选择" in html and "园区道路路灯不亮" in html   # what was typed is kept
    assert counts(db) == before and stored(app) == files_before


def test_the_form_keeps_its_csrf_token_challenge_and_rate_limit(ready, app, client, db, database_url):
    before = counts(db)
    page = client.get("/submit").get_data(as_text=True)
    base = {**SUBMISSION, "challenge": hidden_value(page, "challenge"), "answer": challenge_answer(page),
            "photos": [(io.BytesIO(png()), "a.png")]}
    assert client.post("/submit", data=base, content_type="multipart/form-data").status_code == 400   # no token
    wrong = {**base, "csrf_token": hidden_value(page, "csrf_token"), "answer": "9999",
             "photos": [(io.BytesIO(png()), "a.png")]}
    assert client.post("/submit", data=wrong, content_type="multipart/form-data").status_code == 422
    assert counts(db) == before

    from tests.conftest import make_test_app
    limited = make_test_app(database_url, SUBMIT_RATE_LIMIT="2 per minute", SUBMIT_MIN_SECONDS=0)
    try:
        other = limited.test_client()
        assert [send(other, [(png(), "a.png")]).status_code for _ in range(3)] == [303, 303, 429]
    finally:
        limited.extensions["ys"]["engine"].dispose()


def test_over_the_request_limit_is_a_clear_413(ready, app, client, db):
    before = counts(db)
    big = b"\xff\xd8\xff" + b"\x00" * (8 * 1024 * 1024)
    resp = send(client, [(big, f"{n}.jpg") for n in range(4)])
    assert resp.status_code == 413 and "每张不超过 10 MB" in resp.get_data(as_text=True)
    assert counts(db) == before


def test_only_the_office_makes_a_photo_public(ready, app, county, client, db):
    assert send(client, [(png(), "a.png")]).status_code == 303
    issue = submitted_issue(db)
    photo = db.exec(select(Attachment).where(Attachment.issue_id == issue.id)).one()
    for who in ("operator", "supervisor", "fgj"):
        resp = Console(app, who).post(f"/console/attachments/{photo.id}/public", {"public": "1"})
        assert resp.status_code in (403, 404), who
    assert Console(app, "coordinator").post(f"/console/attachments/{photo.id}/public",
                                            {"public": "x"}).status_code == 422
    db.rollback()
    assert db.get(Attachment, photo.id).public_status == "pending"
    assert "公开</button>" not in Console(app, "supervisor").text(f"/console/issues/{issue.id}")


def test_png_exif_gps_is_removed_and_a_file_that_is_no_picture_is_not_served():
    from service.core.errors import NotFound
    from service.disclosure.photos import without_gps
    exif = exif_with_gps()
    chunk = struct.pack(">I", len(exif)) + b"eXIf" + exif + struct.pack(">I", zlib.crc32(b"eXIf" + exif))
    image = png(extra=chunk)
    clean = without_gps(image)
    assert LATITUDE in image and LATITUDE not in clean and b"TestCam" in clean
    with Image.open(io.BytesIO(clean)) as picture:
        assert picture.format == "PNG" and picture.size == (8, 6) and picture.getpixel((0, 0)) == (200, 60, 40)
        assert ExifTags.IFD.GPSInfo not in picture.getexif()
    # a file that only starts like a picture is never served as it is
    broken = b"\xff\xd8\xff\xe1\x00\x10Exif\x00\x00XX\x00\x00\x00\x00\x00\x00\xff\xd9"
    with pytest.raises(NotFound):
        without_gps(broken)
