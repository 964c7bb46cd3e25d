"""民主评议 grades (优秀 at most a third) and a meeting's photos and documents (type and size limited)."""

import io
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from dangjian.core.errors import TransitionNotAllowed, ValidationFailed
from dangjian.orglife import services
from dangjian.orglife.models import AppraisalGrade, MeetingFile

from ._meetings import audit_count, days, held, members_of

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
PDF = b"%PDF-1.4\n" + b"0" * 64


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def grades_for(people, excellent: int) -> list[dict]:
    return [
        {"member_id": m.pk, "grade": "excellent" if i < excellent else "qualified"}
        for i, m in enumerate(people)
    ]


# --- grades --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rated", "excellent", "ok"), [(9, 3, True), (9, 4, False), (10, 3, True), (11, 4, False)]
)
def test_excellent_is_at_most_a_third_of_those_rated(county, personas, rated, excellent, ok):
    people = members_of(county.village_a1)
    if rated > len(people):
        from ..factories import make_member

        people += [make_member(county.village_a1, name=f"补{i}") for i in range(rated - len(people))]
    meeting = held(personas.secretary, county.village_a1, "appraisal")
    before = (AppraisalGrade.objects.count(), audit_count())
    if ok:
        services.grades_set(
            actor=personas.secretary, meeting=meeting, grades=grades_for(people[:rated], excellent)
        )
        assert meeting.grades.filter(grade="excellent").count() == excellent
        assert audit_count() == before[1] + 1
    else:
        with pytest.raises(ValidationFailed) as excinfo:
            services.grades_set(
                actor=personas.secretary, meeting=meeting, grades=grades_for(people[:rated], excellent)
            )
        assert "三分之一" in excinfo.value.message
        assert excinfo.value.errors[0]["field"] == "grades"
        assert (AppraisalGrade.objects.count(), audit_count()) == before


def test_grades_replace_the_earlier_ones(county, personas):
    people = members_of(county.village_a1)[:6]
    meeting = held(personas.secretary, county.village_a1, "appraisal")
    services.grades_set(actor=personas.secretary, meeting=meeting, grades=grades_for(people, 2))
    services.grades_set(
        actor=personas.secretary,
        meeting=meeting,
        grades=[
            {"member_id": people[0].pk, "grade": "basically_qualified", "note": "学习不够"},
            {"member": people[1], "grade": "unqualified"},
        ],
    )
    assert dict(meeting.grades.values_list("member_id", "grade")) == {
        people[0].pk: "basically_qualified",
        people[1].pk: "unqualified",
    }


@pytest.mark.parametrize(
    ("entry", "field"),
    [
        ({"grade": "qualified"}, "grades.0.member_id"),
        ({"member_id": 0, "grade": "good"}, "grades.0.grade"),
        ({"member_id": 0, "grade": "qualified", "note": "长" * 201}, "grades.0.note"),
    ],
)
def test_malformed_grades_are_refused(county, personas, entry, field):
    meeting = held(personas.secretary, county.village_a1, "appraisal")
    if entry.get("member_id") == 0:
        entry = {**entry, "member_id": members_of(county.village_a1)[0].pk}
    with pytest.raises(ValidationFailed) as excinfo:
        services.grades_set(actor=personas.secretary, meeting=meeting, grades=[entry])
    assert excinfo.value.errors[0]["field"] == field


def test_only_members_of_the_meeting_may_be_graded(county, personas):
    meeting = held(personas.secretary, county.village_a1, "appraisal")
    with pytest.raises(ValidationFailed):
        services.grades_set(
            actor=personas.secretary, meeting=meeting, grades=grades_for(members_of(county.village_a2), 0)
        )


def test_grades_belong_to_a_held_appraisal(county, personas):
    people = members_of(county.village_a1)[:3]
    with pytest.raises(ValidationFailed) as excinfo:
        services.grades_set(
            actor=personas.secretary,
            meeting=held(personas.secretary, county.village_a1),
            grades=grades_for(people, 0),
        )
    assert excinfo.value.errors[0]["field"] == "meeting"
    planned = services.meeting_create(
        actor=personas.secretary,
        org=county.village_a1,
        kind="appraisal",
        held_on=days(3),
        topic="年度民主评议",
        state="planned",
    )
    with pytest.raises(TransitionNotAllowed):
        services.grades_set(actor=personas.secretary, meeting=planned, grades=grades_for(people, 0))


def test_outsiders_may_not_grade(county, personas):
    meeting = held(personas.secretary, county.village_a1, "appraisal")
    with pytest.raises(PermissionDenied):
        services.grades_set(actor=personas.secretary_b, meeting=meeting, grades=[])


# --- files ---------------------------------------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("签到表.jpg", JPEG, "image/jpeg"),
        ("现场.PNG", PNG, "image/png"),
        ("会议记录.pdf", PDF, "application/pdf"),
        (
            "发言稿.docx",
            docx_bytes(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
    ],
)
def test_photos_and_documents_are_attached_and_audited(county, personas, media, name, content, content_type):
    meeting = held(personas.secretary, county.village_a1)
    before = audit_count()
    stored = services.meeting_file_add(
        actor=personas.secretary, meeting=meeting, upload=SimpleUploadedFile(name, content)
    )
    assert (stored.name, stored.content_type, stored.size) == (name, content_type, len(content))
    assert Path(stored.file.path).read_bytes() == content
    assert name not in stored.file.name  # stored under a random name
    assert audit_count() == before + 1


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("病毒.exe", b"MZ" + b"\x00" * 64, "只能上传"),
        ("照片.jpg", PNG, "不符"),
        ("空.png", b"", "空"),
        ("说明.txt", b"hello", "只能上传"),
    ],
)
def test_wrong_files_are_refused_cleanly_with_nothing_stored(county, personas, media, name, content, message):
    meeting = held(personas.secretary, county.village_a1)
    before = (MeetingFile.objects.count(), audit_count())
    with pytest.raises(ValidationFailed) as excinfo:
        services.meeting_file_add(
            actor=personas.secretary, meeting=meeting, upload=SimpleUploadedFile(name, content)
        )
    assert message in excinfo.value.message
    assert excinfo.value.errors[0]["field"] == "file"
    assert (MeetingFile.objects.count(), audit_count()) == before
    assert not any(media.rglob("*.*"))


def test_a_file_over_the_size_limit_is_refused(county, personas, media, settings):
    settings.MEMBER_FILE_MAX_MB = 1
    meeting = held(personas.secretary, county.village_a1)
    big = SimpleUploadedFile("大图.png", PNG + b"\x00" * (1024 * 1024))
    with pytest.raises(ValidationFailed) as excinfo:
        services.meeting_file_add(actor=personas.secretary, meeting=meeting, upload=big)
    assert "不能超过 1 MB" in excinfo.value.message
    assert MeetingFile.objects.count() == 0


def test_no_file_at_all_is_refused(county, personas, media):
    meeting = held(personas.secretary, county.village_a1)
    with pytest.raises(ValidationFailed) as excinfo:
        services.meeting_file_add(actor=personas.secretary, meeting=meeting, upload=None)
    assert excinfo.value.errors[0]["field"] == "file"


def test_a_removed_file_is_gone_from_storage_and_audited(
    county, personas, media, django_capture_on_commit_callbacks
):
    meeting = held(personas.secretary, county.village_a1)
    stored = services.meeting_file_add(
        actor=personas.secretary, meeting=meeting, upload=SimpleUploadedFile("a.png", PNG)
    )
    path = Path(stored.file.path)
    before = audit_count()
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_file_remove(actor=personas.secretary, meeting_file=stored)
    assert not path.exists()
    assert MeetingFile.objects.count() == 0
    assert audit_count() == before + 1


def test_outsiders_may_not_attach_or_remove(county, personas, media):
    meeting = held(personas.secretary, county.village_a1)
    stored = services.meeting_file_add(
        actor=personas.secretary, meeting=meeting, upload=SimpleUploadedFile("a.png", PNG)
    )
    with pytest.raises(PermissionDenied):
        services.meeting_file_add(
            actor=personas.secretary_b, meeting=meeting, upload=SimpleUploadedFile("b.png", PNG)
        )
    with pytest.raises(PermissionDenied):
        services.meeting_file_remove(actor=personas.member, meeting_file=stored)
    assert MeetingFile.objects.count() == 1
