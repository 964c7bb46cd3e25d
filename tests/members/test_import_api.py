"""/api/v1/members/import-template and /api/v1/members/import: the contract of API.md and the access matrix.

The tree of tests/conftest.py:  县委 ─┬─ 甲镇党委 ─┬─ 甲村党支部 (A1) ── 第一党小组 (A1G1)
                                     │           └─ 乙村党支部 (A2)
                                     └─ 丙镇党委 ─── 丙村党支部 (B1)
"""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dangjian.core.models import AuditEntry
from dangjian.members.models import ImportJob, Member

from .test_import_workbooks import HEADERS, person, workbook

pytestmark = pytest.mark.django_db

ROLES = ["admin", "officer", "secretary", "secretary_b", "member", "reviewer", None]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload(content: bytes, name: str = "花名册.xlsx") -> dict:
    return {"file": SimpleUploadedFile(name, content, content_type=XLSX)}


def test_template_is_an_xlsx_with_the_contract_headers(client, api_for, county):
    response = client.get("/api/v1/members/import-template", **api_for("secretary"))
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [cell.value for cell in sheet[1]][: len(HEADERS)] == HEADERS


def test_import_answers_created_and_updated(client, api_for, county):
    rows = [person(姓名="钱一"), person(姓名="孙二")]
    response = client.post("/api/v1/members/import", upload(workbook(rows)), **api_for("officer"))
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["created"], body["updated"], body["unchanged"], body["rows"]) == (2, 0, 0, 2)
    assert ImportJob.objects.get(pk=body["job_id"]).state == "succeeded"
    rows[0]["工作单位"] = "旌德县供电公司"
    again = client.post(
        "/api/v1/members/import", upload(workbook(rows, headers=[*HEADERS, "工作单位"])), **api_for("officer")
    )
    assert again.json() | {"job_id": 0} == {
        "created": 0,
        "updated": 1,
        "unchanged": 1,
        "rows": 2,
        "job_id": 0,
    }


def test_a_bad_row_answers_422_with_row_field_and_message_and_writes_nothing(client, api_for, county):
    rows = [person(), person(), person(人员类别="积极分子")]
    headers = api_for("secretary")  # issuing the token is audited too
    members, entries = Member.objects.count(), AuditEntry.objects.count()
    response = client.post("/api/v1/members/import", upload(workbook(rows)), **headers)
    assert response.status_code == 422
    body = response.json()
    assert "1 行数据有误" in body["detail"] and "未导入" in body["detail"]
    assert body["errors"] == [
        {"row": 4, "field": "category", "message": "人员类别“积极分子”无效，请从下拉列表中选择"}
    ]
    assert Member.objects.count() == members and AuditEntry.objects.count() == entries


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("roster.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, "另存为 .xlsx"),
        ("roster.xlsx", b"name,id\n", "不是 .xlsx"),
        ("roster.xlsx", b"PK\x03\x04" + b"\0" * 64, "已经损坏"),
        ("roster.xlsx", b"", "空的"),
    ],
)
def test_files_that_are_not_workbooks_get_422_in_chinese(client, api_for, county, name, content, message):
    response = client.post("/api/v1/members/import", upload(content, name), **api_for("secretary"))
    assert response.status_code == 422
    assert message in response.json()["detail"]
    assert response.json()["errors"][0]["field"] == "file"


def test_a_missing_file_is_422(client, api_for, county):
    response = client.post("/api/v1/members/import", {}, **api_for("secretary"))
    assert response.status_code == 422 and response.json()["errors"][0]["field"].startswith("file")


def test_an_empty_roster_is_422_and_leaves_a_failed_job(client, api_for, county):
    response = client.post("/api/v1/members/import", upload(workbook([])), **api_for("secretary"))
    assert response.status_code == 422 and "没有党员数据" in response.json()["detail"]


# --- access matrix ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role_index", range(len(ROLES)))
def test_template_access(client, api_for, county, role_index):
    expected = [200, 200, 200, 200, 403, 403, 401][role_index]
    response = client.get("/api/v1/members/import-template", **api_for(ROLES[role_index]))
    assert response.status_code == expected


@pytest.mark.parametrize("role_index", range(len(ROLES)))
def test_import_access_for_a_file_of_the_a1_branch(client, api_for, county, role_index):
    """secretary_b (丙村) may import, but 甲村's code is outside their scope: a row error, nothing written."""
    expected = [200, 200, 200, 422, 403, 403, 401][role_index]
    headers = api_for(ROLES[role_index])  # issuing the token is audited too
    members, entries = Member.objects.count(), AuditEntry.objects.count()
    response = client.post("/api/v1/members/import", upload(workbook([person("A1")])), **headers)
    assert response.status_code == expected, response.content
    if expected == 200:
        assert Member.objects.count() == members + 1
        assert AuditEntry.objects.count() == entries + 2  # the member and the import
    else:
        assert Member.objects.count() == members and AuditEntry.objects.count() == entries
        assert response.json()["detail"]
    if expected == 422:
        assert response.json()["errors"][0]["message"] == "党组织编码“A1”不存在或不在您的管理范围内"


def test_a_member_gets_403_even_for_a_file_that_is_not_a_workbook(client, api_for, county):
    response = client.post("/api/v1/members/import", upload(b"x", "a.xls"), **api_for("member"))
    assert response.status_code == 403
