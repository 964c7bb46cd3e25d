"""History import of member development from Excel: a good file creates the cases at their stage with their
steps as history and the members; each kind of bad row is 422 with row and field and writes nothing; wrong
file type, too many rows; page and API for every role."""

import datetime as dt
import io

import openpyxl
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from dangjian.core import idnumber
from dangjian.core.models import AuditEntry
from dangjian.members.models import Member
from dangjian.recruitment import importing, rules
from dangjian.recruitment.models import CaseStep, DevelopmentCase

D = dt.date
HEADERS = [c.header for c in importing.COLUMNS]
API = "/api/v1/development"


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 11, 28, 10, tzinfo=dt.UTC), tick=False):
        yield


BIRTH = D(1995, 5, 1)


def person(seq, birth=BIRTH, **dates):
    row = {
        "姓名": f"测试{seq}",
        "公民身份号码": idnumber.build("341825", birth, 600 + seq),
        "民族": "汉族",
        "学历": "大学本科",
        "所在党支部编码": "A1",
        "申请入党日期": D(2022, 3, 1),
    }
    row.update(dates)
    return row


def workbook(rows, headers=HEADERS) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(h) for h in headers])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


FULL_PATH = {
    "谈话日期": D(2022, 3, 20),
    "确定积极分子日期": D(2022, 5, 1),
    "确定发展对象日期": D(2023, 5, 10),
    "支部大会通过日期": D(2023, 9, 1),
    "党委审批日期": D(2023, 10, 15),
}


def good_rows():
    return [
        person(1),
        person(2, **{"谈话日期": D(2022, 3, 20), "确定积极分子日期": D(2022, 5, 1)}),
        person(3, **{"确定积极分子日期": D(2022, 5, 1), "确定发展对象日期": D(2023, 5, 1)}),
        person(4, **FULL_PATH),
        person(5, **FULL_PATH, **{"转正审批日期": D(2024, 9, 20)}),
    ]


def post(client, api_for, data, who="secretary"):
    upload = SimpleUploadedFile("history.xlsx", data, content_type=importing.XLSX)
    return client.post(f"{API}/import", {"file": upload}, **api_for(who))


def test_good_file_creates_cases_steps_and_members(client, api_for, county, personas):
    response = post(client, api_for, workbook(good_rows()))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["count"] == 5
    assert body["stages"] == {"applicant": 1, "activist": 1, "candidate": 1, "probationary": 1, "full": 1}
    cases = {c.person_name: c for c in DevelopmentCase.objects.select_related("member")}
    assert cases["测试1"].stage == rules.APPLICANT and cases["测试1"].member is None
    probationary, full = cases["测试4"], cases["测试5"]
    assert probationary.admitted_on == D(2023, 9, 1) and probationary.probation_ends_on == D(2024, 9, 1)
    assert probationary.member.category == "probationary" and probationary.member.joined_on == D(2023, 9, 1)
    assert full.converted_on == D(2024, 9, 1) and full.member.category == "full"
    assert full.member.converted_on == D(2024, 9, 1)
    steps = list(CaseStep.objects.filter(case=full).order_by("step").values_list("step", "date", "details"))
    assert [s[0] for s in steps] == [1, 2, 3, 7, 15, 17, 24]
    assert all(s[2] == {"imported": True} for s in steps)
    assert AuditEntry.objects.filter(object_type="recruitment.import").count() == 1
    entry = AuditEntry.objects.get(object_type="recruitment.import")
    assert entry.after["rows"] == 5


BAD = {
    "underage": (person(1, birth=D(2005, 1, 1), **{"申请入党日期": D(2022, 3, 1)}), "applied_on"),
    "order": (person(1, **{"确定积极分子日期": D(2022, 1, 1)}), "activist_on"),
    "gap": (person(1, **{"确定发展对象日期": D(2023, 5, 1)}), "candidate_on"),
    "activist_year": (
        person(1, **{"确定积极分子日期": D(2022, 5, 1), "确定发展对象日期": D(2023, 4, 30)}),
        "candidate_on",
    ),
    "approval_late": (person(1, **{**FULL_PATH, "党委审批日期": D(2024, 3, 2)}), "approved_on"),
    "early_conversion": (person(1, **FULL_PATH, **{"转正审批日期": D(2024, 8, 31)}), "converted_approved_on"),
    "future": (person(1, **{"申请入党日期": D(2027, 1, 1)}), "applied_on"),
    "bad_date": (person(1, **{"谈话日期": "三月"}), "talked_on"),
    "bad_id": (person(1, **{"公民身份号码": "341825199505011234"}), "id_number"),
    "branch": (person(1, **{"所在党支部编码": "ZZ9"}), "org_code"),
    "other_township": (person(1, **{"所在党支部编码": "B1"}), "org_code"),
    "ethnicity": (person(1, **{"民族": "火星族"}), "ethnicity"),
    "gender": (person(1, **{"性别": "女"}), "gender"),  # sequence 601 is odd: male
    "no_name": (person(1, **{"姓名": ""}), "person_name"),
}


@pytest.mark.parametrize("kind", list(BAD))
def test_each_bad_row_is_422_with_row_and_field_and_nothing_written(client, api_for, county, personas, kind):
    bad, field = BAD[kind]
    rows = [person(7, **FULL_PATH), bad]
    members = Member.objects.count()
    response = post(client, api_for, workbook(rows), who="officer")
    assert response.status_code == 422, response.content
    errors = response.json()["errors"]
    assert {"row": 3, "field": field} in [{"row": e["row"], "field": e["field"]} for e in errors]
    assert all(e["row"] == 3 for e in errors)
    assert DevelopmentCase.objects.count() == 0 and Member.objects.count() == members
    assert not AuditEntry.objects.filter(object_type="recruitment.import").exists()


def test_existing_member_and_duplicates(client, api_for, county, personas):
    existing = person(1, **{"公民身份号码": county.own_member.id_number})
    rows = [existing, person(2), person(2)]
    response = post(client, api_for, workbook(rows), who="admin")
    assert response.status_code == 422
    fields = {(e["row"], e["field"]) for e in response.json()["errors"]}
    assert fields == {(2, "id_number"), (4, "id_number")}
    assert DevelopmentCase.objects.count() == 0


def test_open_case_refused_on_second_import(client, api_for, county, personas):
    assert post(client, api_for, workbook([person(1)])).status_code == 201
    response = post(client, api_for, workbook([person(1)]))
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "id_number"
    assert DevelopmentCase.objects.count() == 1


@pytest.mark.parametrize(
    "data",
    [b"", b"not an excel file", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"0" * 100, b"PK\x03\x04broken"],
)
def test_wrong_file_type(client, api_for, county, personas, data):
    response = post(client, api_for, data)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "file"


def test_missing_columns_and_too_many_rows(client, api_for, county, personas, monkeypatch):
    response = post(client, api_for, workbook([person(1)], headers=["姓名", "公民身份号码"]))
    assert response.status_code == 422 and "缺少必填列" in response.json()["detail"]
    monkeypatch.setattr(importing, "MAX_ROWS", 3)
    response = post(client, api_for, workbook([person(i) for i in range(1, 5)]))
    assert response.status_code == 422 and "最多" in response.json()["detail"]
    assert DevelopmentCase.objects.count() == 0


def test_template_has_the_headers_and_validations(client, api_for, county, personas):
    response = client.get(f"{API}/import-template", **api_for("officer"))
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]] == HEADERS
    assert len(sheet.data_validations.dataValidation) >= 8


def test_page_upload_good_and_bad(client_for, county, personas):
    client = client_for("secretary")
    assert "下载导入模板" in client.get("/recruitment/import/").content.decode()
    bad = SimpleUploadedFile("h.xlsx", workbook([person(1, **{"所在党支部编码": "A2"})]))
    response = client.post("/recruitment/import/", {"file": bad})
    assert response.status_code == 422
    assert "所在党支部编码" in response.content.decode() and DevelopmentCase.objects.count() == 0
    sheet = client.get("/recruitment/import/errors.xlsx")
    rows = list(openpyxl.load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert rows[1][0] == 2 and rows[1][1] == "所在党支部编码"
    good = SimpleUploadedFile("h.xlsx", workbook(good_rows()))
    response = client.post("/recruitment/import/", {"file": good})
    assert response.status_code == 200 and "已导入 5 人" in response.content.decode()
    response = client.post("/recruitment/import/", {"file": SimpleUploadedFile("h.txt", b"hello")})
    assert response.status_code == 422 and ".xlsx" in response.content.decode()


ROLES = ["admin", "officer", "secretary", "secretary_b", "member", "reviewer", None]
READS = {
    "page": ("/recruitment/import/", [200, 200, 200, 200, 403, 403, 302]),
    "template": ("/recruitment/import/template.xlsx", [200, 200, 200, 200, 403, 403, 302]),
    "api_template": (f"{API}/import-template", [200, 200, 200, 200, 403, 403, 401]),
}


@pytest.mark.parametrize("endpoint", list(READS))
@pytest.mark.parametrize("role_index", range(len(ROLES)))
def test_read_access(client, client_for, api_for, county, personas, endpoint, role_index):
    url, expected = READS[endpoint]
    role = ROLES[role_index]
    api = url.startswith("/api/")
    response = client.get(url, **api_for(role)) if api else client_for(role).get(url)
    assert response.status_code == expected[role_index]


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("admin", 201),
        ("officer", 201),
        ("secretary", 201),
        ("secretary_b", 422),
        ("member", 403),
        ("reviewer", 403),
        (None, 401),
    ],
)
def test_import_access(client, api_for, county, personas, role, status):
    # secretary_b's scope is 丙村: 甲村's code A1 is outside it, so the row is refused with its field.
    response = (
        post(client, api_for, workbook([person(1)]), who=role)
        if role
        else client.post(f"{API}/import", {"file": SimpleUploadedFile("h.xlsx", workbook([person(1)]))})
    )
    assert response.status_code == status
    assert DevelopmentCase.objects.count() == (1 if status == 201 else 0)
