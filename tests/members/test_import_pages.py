"""The 花名册导入导出 pages: access matrix, upload in the request and in the background, progress, results.

The tree of tests/conftest.py:  县委 ─┬─ 甲镇党委 ─┬─ 甲村党支部 (A1) ── 第一党小组 (A1G1)
                                     │           └─ 乙村党支部 (A2)
                                     └─ 丙镇党委 ─── 丙村党支部 (B1)
"""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dangjian.core.models import AuditEntry
from dangjian.members.models import ImportJob, Member
from dangjian.members.services.importing import import_job_submit

from .test_import_workbooks import person, workbook

pytestmark = pytest.mark.django_db

PERSONAS = ("admin", "officer", "secretary", "secretary_b", "member", "reviewer", None)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def statuses(*codes):
    return dict(zip(PERSONAS, codes, strict=True))


@pytest.fixture
def immediate_tasks(settings):
    """Background tasks run at once, in the test's transaction (django-tasks' immediate backend)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def dummy_tasks(settings):
    """Background tasks are queued and never run, as when no worker is running."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def upload_file(rows, name="花名册.xlsx"):
    return SimpleUploadedFile(name, workbook(rows), content_type=XLSX)


@pytest.fixture
def failed_job(personas, county, media):
    """A job of the 甲村 secretary with one bad row."""
    return import_job_submit(
        actor=personas.secretary, filename="甲村.xlsx", data=workbook([person(), person(民族="")])
    )


# page → (url(county, job), expected status per persona); 302 for anonymous visitors is the sign-in page.
PAGES = {
    "import page": (lambda c, j: reverse("member_import:index"), statuses(200, 200, 200, 200, 403, 403, 302)),
    "template": (lambda c, j: reverse("member_import:template"), statuses(200, 200, 200, 200, 403, 403, 302)),
    "export (own scope)": (
        lambda c, j: reverse("member_import:export"),
        statuses(200, 200, 200, 200, 403, 403, 302),
    ),
    "export of 甲村": (
        lambda c, j: reverse("member_import:export") + f"?within={c.village_a1.pk}",
        statuses(200, 200, 200, 404, 403, 403, 302),
    ),
    "export of 丙镇": (
        lambda c, j: reverse("member_import:export") + f"?within={c.town_b.pk}",
        statuses(200, 404, 404, 404, 403, 403, 302),
    ),
    # A job's page repeats uploaded ID numbers: its uploader (甲村's secretary) and the county admin only.
    "job of 甲村's secretary": (
        lambda c, j: reverse("member_import:job", args=[j.pk]),
        statuses(200, 404, 200, 404, 403, 403, 302),
    ),
    "its error sheet": (
        lambda c, j: reverse("member_import:job_errors", args=[j.pk]),
        statuses(200, 404, 200, 404, 403, 403, 302),
    ),
    "job that does not exist": (
        lambda c, j: reverse("member_import:job", args=[j.pk + 1000]),
        statuses(404, 404, 404, 404, 403, 403, 302),
    ),
}


@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.parametrize("persona", PERSONAS)
def test_page_access_matrix(client_for, county, failed_job, page, persona):
    url, expected = PAGES[page]
    response = client_for(persona).get(url(county, failed_job))
    assert response.status_code == expected[persona], response.content[:300]
    if response.status_code == 302:
        assert reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize(
    ("persona", "expected", "written"),
    [
        ("admin", 302, True),
        ("officer", 302, True),
        ("secretary", 302, True),
        ("secretary_b", 302, False),  # 甲村 is outside their scope: the job fails on that row
        ("member", 403, False),
        ("reviewer", 403, False),
        (None, 302, False),
    ],
)
def test_upload_access_matrix(client_for, county, media, persona, expected, written):
    client = client_for(persona)  # signing in is audited too
    members, entries = Member.objects.count(), AuditEntry.objects.count()
    response = client.post(reverse("member_import:upload"), {"file": upload_file([person("A1")])})
    assert response.status_code == expected
    assert Member.objects.count() == members + written
    assert AuditEntry.objects.count() == entries + (2 if written else 0)
    if persona == "secretary_b":
        job = ImportJob.objects.get()
        assert response["Location"] == reverse("member_import:job", args=[job.pk])
        assert job.state == "failed" and "不在您的管理范围内" in job.errors[0]["message"]


def test_small_file_is_imported_in_the_request_and_the_page_says_so(client_for, county, media):
    client = client_for("secretary")
    response = client.post(
        reverse("member_import:upload"), {"file": upload_file([person(), person()])}, follow=True
    )
    assert response.status_code == 200
    job = ImportJob.objects.get()
    assert job.state == "succeeded" and (job.created_count, job.updated_count, job.total_rows) == (2, 0, 2)
    page = response.content.decode()
    assert "导入完成：新增 2 名党员" in page
    assert 'hx-trigger="every 2s"' not in page  # nothing left to poll
    assert not job.file  # the upload is not kept once processed


def test_a_failed_import_lists_the_rows_and_offers_the_annotated_sheet(client_for, county, failed_job):
    page = client_for("secretary").get(reverse("member_import:job", args=[failed_job.pk])).content.decode()
    assert "未导入任何数据" in page and "有 1 行数据有误" in page
    assert "请填写民族" in page and ">3<" in page  # Excel row 3
    sheet = client_for("secretary").get(reverse("member_import:job_errors", args=[failed_job.pk]))
    assert sheet["Content-Type"] == XLSX
    rows = list(openpyxl.load_workbook(io.BytesIO(sheet.content)).worksheets[0].iter_rows(values_only=True))
    assert rows[0][-1] == "错误说明" and rows[2][-1] == "民族：请填写民族" and rows[1][-1] is None


def test_uploads_kept_for_the_worker_are_encrypted(personas, county, media, dummy_tasks, settings):
    settings.DANGJIAN_IMPORT = {"SYNC_ROWS": 1, "MAX_ROWS": 100, "MAX_BYTES": 10**7}
    rows = [person(), person()]
    job = import_job_submit(actor=personas.secretary, filename="big.xlsx", data=workbook(rows))
    stored = (settings.MEDIA_ROOT / job.file.name).read_bytes()
    assert stored.startswith(b"gAAAA") and rows[0]["公民身份号码"].encode() not in stored


def test_big_file_becomes_a_background_job_with_progress(client_for, county, media, dummy_tasks, settings):
    settings.DANGJIAN_IMPORT = {"SYNC_ROWS": 2, "MAX_ROWS": 100, "MAX_BYTES": 10**7}
    client = client_for("secretary")
    response = client.post(
        reverse("member_import:upload"), {"file": upload_file([person() for _ in range(5)])}
    )
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("member_import:job", args=[job.pk])
    assert job.state == "queued" and job.file and Member.objects.count() == 19  # nothing imported yet
    page = client.get(response["Location"]).content.decode()
    assert "正在排队" in page and 'hx-trigger="every 2s"' in page
    # The worker has checked three of five rows: the poll shows it.
    ImportJob.objects.filter(pk=job.pk).update(state="running", total_rows=5, processed_rows=3)
    poll = client.get(response["Location"], HTTP_HX_REQUEST="true", HTTP_HX_TARGET="job-status")
    fragment = poll.content.decode()
    assert fragment.lstrip().startswith("<section") and "<html" not in fragment
    assert "已检查 3 / 5 行" in fragment and 'aria-valuenow="60"' in fragment


def test_the_worker_task_runs_the_job_to_the_end(client_for, county, media, immediate_tasks, settings):
    settings.DANGJIAN_IMPORT = {"SYNC_ROWS": 2, "MAX_ROWS": 100, "MAX_BYTES": 10**7}
    client = client_for("officer")
    response = client.post(
        reverse("member_import:upload"), {"file": upload_file([person() for _ in range(5)])}
    )
    job = ImportJob.objects.get()
    assert job.state == "succeeded" and job.created_count == 5 and job.processed_rows == 5
    assert not job.file
    poll = client.get(response["Location"], HTTP_HX_REQUEST="true", HTTP_HX_TARGET="job-status")
    assert "导入完成" in poll.content.decode() and "every 2s" not in poll.content.decode()


def test_running_the_task_twice_imports_once(personas, county, media, dummy_tasks, settings):
    from dangjian.members.tasks import run_import_job

    settings.DANGJIAN_IMPORT = {"SYNC_ROWS": 0, "MAX_ROWS": 100, "MAX_BYTES": 10**7}
    job = import_job_submit(actor=personas.secretary, filename="x.xlsx", data=workbook([person()]))
    assert run_import_job.call(job.pk) == "succeeded"
    assert run_import_job.call(job.pk) == "succeeded"
    assert (
        Member.objects.count() == 20
        and AuditEntry.objects.filter(object_type="members.importjob").count() == 1
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("名单.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, "另存为 .xlsx"),
        ("名单.xlsx", "姓名,身份证\n".encode(), "不是 .xlsx"),
        ("名单.xlsx", b"PK\x03\x04" + b"\0" * 64, "已经损坏"),
    ],
)
def test_wrong_files_are_refused_on_the_page_in_chinese(client_for, county, media, name, content, message):
    response = client_for("secretary").post(
        reverse("member_import:upload"), {"file": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == 422
    assert message in response.content.decode() and not ImportJob.objects.exists()


def test_no_file_chosen(client_for, county):
    response = client_for("secretary").post(reverse("member_import:upload"), {})
    assert response.status_code == 422 and "请选择要上传的 .xlsx 文件" in response.content.decode()


def test_recent_imports_are_listed_newest_first_with_keyset_paging(client_for, personas, county, media):
    for number in range(23):
        ImportJob.objects.create(
            org=county.village_a1, uploaded_by=personas.secretary, filename=f"第{number}批.xlsx"
        )
    client = client_for("secretary")
    first = client.get(reverse("member_import:index")).content.decode()
    assert "第22批.xlsx" in first and "第3批.xlsx" in first and "第2批.xlsx" not in first
    oldest = ImportJob.objects.order_by("id")[3]
    more = client.get(
        reverse("member_import:index") + f"?before={oldest.pk}",
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="import-jobs",
    ).content.decode()
    assert "第2批.xlsx" in more and "第0批.xlsx" in more and "<html" not in more
    # The officer of the township sees none of the secretary's uploads.
    assert "第22批.xlsx" not in client_for("officer").get(reverse("member_import:index")).content.decode()


def test_export_form_downloads_the_roster(client_for, county):
    response = client_for("admin").get(
        reverse("member_import:export") + f"?within={county.village_a1.pk}&category=probationary&masked=1"
    )
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    rows = list(
        openpyxl.load_workbook(io.BytesIO(response.content))
        .worksheets[0]
        .iter_rows(min_row=4, values_only=True)
    )
    assert len(rows) == 2 and all("*" in row[5] for row in rows)
    assert not AuditEntry.objects.filter(action="reveal").exists()


def test_bad_export_filters_show_the_page_again(client_for, county):
    response = client_for("admin").get(reverse("member_import:export") + "?status=nonsense")
    assert response.status_code == 422 and "党籍状态" in response.content.decode()


def test_navigation_offers_the_page_to_the_tree_roles(client_for, county):
    assert (
        reverse("member_import:index") in client_for("secretary").get(reverse("core:home")).content.decode()
    )
    assert (
        reverse("member_import:index") not in client_for("member").get(reverse("core:home")).content.decode()
    )


def test_export_takes_the_rosters_other_filters_and_names_them_in_the_subtitle(client_for, county):
    response = client_for("officer").get(
        reverse("member_import:export") + "?age_max=30&ethnicity=minority&domain=rural"
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert "共 0 名党员" in sheet["A2"].value
    assert (
        "30岁及以下" in sheet["A2"].value and "少数民族" in sheet["A2"].value and "农村" in sheet["A2"].value
    )
    older = client_for("officer").get(reverse("member_import:export") + "?age_min=40")
    assert "共 14 名党员" in openpyxl.load_workbook(io.BytesIO(older.content)).worksheets[0]["A2"].value
