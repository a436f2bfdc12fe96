"""Attachments: the types we take (by extension and by content), the size limit, where the
files go, and who may read them."""
import io
import zipfile
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from models import Attachment, IssueEvent
from service.core.errors import Invalid, NotFound, WrongState
from service.workflow import attachments

from ..helpers import issue_in

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
OLE = attachments.OLE2 + b"\x00" * 64


def office(member: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(member, "<x/>")
    return buffer.getvalue()


def now() -> datetime:
    return datetime.now(timezone.utc)


def add(db, county, issue_id, data: bytes, name: str, tmp_path, who="fgj"):
    return attachments.add_attachment(db, county.users[who], issue_id, io.BytesIO(data), name, now(), tmp_path)


@pytest.mark.parametrize(("name", "data", "content_type"), [
    ("现场照片.jpg", JPG, "image/jpeg"),
    ("scan.JPEG", JPG, "image/jpeg"),
    ("截图.png", PNG, "image/png"),
    ("情况说明.pdf", PDF, "application/pdf"),
    ("办理方案.docx", office("word/document.xml"),
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("台账.xlsx", office("xl/workbook.xml"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("旧版.doc", OLE, "application/msword"),
    ("旧版.xls", OLE, "application/vnd.ms-excel"),
])
def test_each_accepted_type_is_stored_and_readable(api, db, county, tmp_path, name, data, content_type):
    issue = issue_in(api, "in_progress")
    attachment = add(db, county, issue["id"], data, name, tmp_path)
    assert (attachment.filename, attachment.content_type, attachment.size) == (name, content_type, len(data))
    assert attachment.stored_name != name and "/" not in attachment.stored_name
    found, path = attachments.open_attachment(db, county.users["coordinator"], attachment.id, tmp_path)
    assert found.id == attachment.id and path.read_bytes() == data and path.parent == tmp_path
    event = db.execute(select(IssueEvent).where(IssueEvent.issue_id == issue["id"],
                                                IssueEvent.action == "attach")).scalar_one()
    assert event.note == name and event.data["attachment_id"] == attachment.id


@pytest.mark.parametrize(("name", "data", "message"), [
    ("病毒.exe", b"MZ\x90\x00", "不支持这种文件类型"),
    ("无扩展名", PDF, "不支持这种文件类型"),
    ("假的.pdf", b"MZ\x90\x00" + b"\x00" * 10, "文件内容与扩展名 .pdf 不符"),
    ("假的.png", JPG, "文件内容与扩展名 .png 不符"),
    ("假的.docx", b"PK\x03\x04not really a zip", "文件内容与扩展名 .docx 不符"),
    ("表格冒充.docx", office("xl/workbook.xml"), "文件内容与扩展名 .docx 不符"),
    ("空的.pdf", b"", "文件是空的"),
    ("", PDF, "请选择要上传的文件"),
])
def test_wrong_files_are_refused_with_a_clear_message(api, db, county, tmp_path, name, data, message):
    issue = issue_in(api, "in_progress")
    with pytest.raises(Invalid) as refused:
        add(db, county, issue["id"], data, name, tmp_path)
    assert message in refused.value.fields["file"]
    assert db.execute(select(Attachment.id)).first() is None and list(tmp_path.iterdir()) == []


def test_a_file_over_10_mb_is_refused(api, db, county, tmp_path):
    issue = issue_in(api, "in_progress")
    big = PDF + b"\x00" * attachments.MAX_SIZE
    with pytest.raises(Invalid) as refused:
        add(db, county, issue["id"], big, "大文件.pdf", tmp_path)
    assert "超过 10 MB" in refused.value.message
    just_right = PDF + b"\x00" * (attachments.MAX_SIZE - len(PDF))
    assert add(db, county, issue["id"], just_right, "刚好.pdf", tmp_path).size == attachments.MAX_SIZE


def test_another_department_can_neither_attach_nor_read(api, db, county, tmp_path):
    issue = issue_in(api, "in_progress")          # led by fgj, co-handled by zrj
    attachment = add(db, county, issue["id"], PDF, "说明.pdf", tmp_path)
    attachments.open_attachment(db, county.users["zrj"], attachment.id, tmp_path)   # co-handler reads
    with pytest.raises(NotFound):
        attachments.open_attachment(db, county.users["scj"], attachment.id, tmp_path)
    with pytest.raises(NotFound):
        attachments.open_attachment(db, county.users["leader2"], attachment.id, tmp_path)
    with pytest.raises(NotFound):
        add(db, county, issue["id"], PDF, "说明.pdf", tmp_path, who="scj")
    with pytest.raises(NotFound):
        attachments.open_attachment(db, county.users["fgj"], 987654, tmp_path)


def test_finished_issues_take_no_more_files(api, db, county, tmp_path):
    for state in ("closed", "published", "rejected"):
        issue = issue_in(api, state)
        for who in ("fgj", "operator") if state == "closed" else ("coordinator",):
            with pytest.raises(WrongState):
                add(db, county, issue["id"], PDF, "晚到的.pdf", tmp_path, who=who)
            db.commit()  # end the read, so the next one sees the next issue (and keep `county` loaded)


def test_the_office_adds_evaluation_evidence_to_a_closed_issue(api, db, county, tmp_path):
    issue = issue_in(api, "closed")
    attachment = add(db, county, issue["id"], PDF, "整改核查照片.pdf", tmp_path, who="coordinator")
    assert attachment.issue_id == issue["id"]


def test_uploaded_names_lose_their_folders(api, db, county, tmp_path):
    issue = issue_in(api, "collected")
    attachment = add(db, county, issue["id"], PDF, "C:\\Users\\王\\..\\情况\x07说明.pdf", tmp_path, who="operator")
    assert attachment.filename == "情况_说明.pdf"
    assert attachments.clean_filename("../../etc/passwd.pdf") == "passwd.pdf"
