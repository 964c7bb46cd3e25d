"""Files attached to a member's record: what may be uploaded, where it is kept, who may download it."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dangjian.core.errors import TransitionNotAllowed, ValidationFailed
from dangjian.core.models import AuditEntry
from dangjian.members.models import MemberFile
from dangjian.members.services import records

from ..factories import make_member

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def office(part: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(part, "<x/>")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def add(personas, member, name, content, title=""):
    return records.member_file_add(
        actor=personas.secretary, member=member, upload=SimpleUploadedFile(name, content), title=title
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("志愿书.pdf", PDF),
        ("照片.PNG", PNG),
        ("证书.jpg", JPG),
        ("证书.jpeg", JPG),
        ("申请书.docx", office("word/document.xml")),
        ("登记表.xlsx", office("xl/workbook.xml")),
    ],
)
def test_the_allowed_types_are_accepted(personas, county, media, name, content):
    attached = add(personas, county.own_member, name, content)
    assert attached.title == name.rsplit(".", 1)[0] and attached.size == len(content)
    # Kept under a random name, outside any public URL; the original name is only the title.
    stored = attached.file.name
    assert name.rsplit(".", 1)[0] not in stored and stored.startswith("members/")
    assert (media / stored).read_bytes() == content


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("脚本.exe", b"MZ\x90\x00", "只能上传"),
        ("网页.html", b"<html></html>", "只能上传"),
        ("伪装.pdf", b"MZ\x90\x00 not a pdf", "与扩展名"),
        ("伪装.docx", office("xl/workbook.xml"), "与扩展名"),
        ("坏的.xlsx", b"PK\x03\x04broken", "与扩展名"),
        ("空的.pdf", b"", "空的"),
    ],
)
def test_other_files_are_refused_with_a_message(personas, county, name, content, message):
    with pytest.raises(ValidationFailed) as exc:
        add(personas, county.own_member, name, content)
    assert message in exc.value.message
    assert not MemberFile.objects.exists() and not AuditEntry.objects.exists()


def test_the_size_limit_comes_from_a_setting(personas, county, settings):
    settings.MEMBER_FILE_MAX_MB = 1
    big = PDF + b"0" * (1024 * 1024)
    with pytest.raises(ValidationFailed) as exc:
        add(personas, county.own_member, "大.pdf", big)
    assert "不能超过 1 MB" in exc.value.message
    assert add(personas, county.own_member, "小.pdf", PDF).size == len(PDF)


def test_upload_is_audited_on_the_member(personas, county):
    attached = add(personas, county.own_member, "a.pdf", PDF, title="转正申请书")
    entry = AuditEntry.objects.get()
    assert entry.object_type == "members.member" and entry.object_id == str(county.own_member.pk)
    assert entry.after == {"file_id": attached.pk, "title": "转正申请书", "size": len(PDF)}


def test_no_files_for_a_closed_record(personas, county):
    gone = make_member(county.village_a1, name="王故", status="left")
    with pytest.raises(TransitionNotAllowed):
        add(personas, gone, "a.pdf", PDF)


def test_download_is_scoped_and_audited(personas, county, client_for):
    attached = add(personas, county.own_member, "a.pdf", PDF, title="入党志愿书")
    url = reverse("members:file", args=[county.own_member.pk, attached.pk])
    response = client_for("officer").get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert "attachment" in response["Content-Disposition"]
    entry = AuditEntry.objects.get(action="reveal")
    assert entry.actor == personas.officer and "入党志愿书" in entry.summary
    assert client_for("secretary_b").get(url).status_code == 404


def test_a_file_is_reached_only_through_its_own_member(personas, county, client_for):
    attached = add(personas, county.own_member, "a.pdf", PDF)
    other = make_member(county.village_a1, name="钱七")
    response = client_for("admin").get(reverse("members:file", args=[other.pk, attached.pk]))
    assert response.status_code == 404


def test_media_files_have_no_public_url(personas, county, client):
    attached = add(personas, county.own_member, "a.pdf", PDF)
    assert client.get("/media/" + attached.file.name).status_code == 404


def test_upload_page_shows_the_refusal_next_to_the_field(county, client_for):
    response = client_for("secretary").post(
        reverse("members:file_upload", args=[county.own_member.pk]),
        {"title": "", "file": SimpleUploadedFile("x.exe", b"MZ")},
    )
    assert response.status_code == 422
    assert "只能上传 PDF、JPG、PNG" in response.content.decode()
    assert not MemberFile.objects.exists()
