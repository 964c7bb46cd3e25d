"""/api/v1/me, /api/v1/corrections and /api/v1/consultations: the contract, the error format, and the access
matrix for every persona (the member "dangyuan" is 李华 of 甲村党支部)."""

import datetime as dt

import pytest

from dangjian.core.models import AuditEntry
from dangjian.members.models import Consultation, CorrectionRequest, Member
from dangjian.members.services import selfservice as services
from dangjian.members.services import transfers as transfer_services

pytestmark = pytest.mark.django_db

ROLES = ["admin", "officer", "secretary", "secretary_b", "member", "reviewer", None]


def post(client, url, payload, headers):
    return client.post(url, payload, content_type="application/json", **headers)


def audit_count() -> int:
    # Issuing a token is audited too: count everything else.
    return AuditEntry.objects.exclude(action="token").count()


@pytest.fixture
def requests_of_lihua(personas):
    correction = services.correction_request_submit(
        actor=personas.member, field="education", requested_value="21", reason="已取得本科毕业证书"
    )
    question = services.consultation_ask(
        actor=personas.member, subject="党费标准", question="退休后党费按什么标准交纳？"
    )
    return correction, question


# --- /me ------------------------------------------------------------------------------------------------------


def test_me_shows_the_whole_record_masked_with_history(client, api_for, county, personas):
    lihua = county.own_member
    transfer_services.transfer_issue(actor=personas.secretary, member=lihua, destination_text="上海市某党委")
    before = audit_count()
    body = client.get("/api/v1/me", **api_for("member")).json()
    assert body["id"] == lihua.pk and body["name"] == "李华" and body["org_name"] == "甲村党支部"
    assert body["id_number"] == lihua.id_number[:6] + "********" + lihua.id_number[-4:]
    assert body["phone"] == "138****5678"
    assert {"gender", "birth_date", "ethnicity", "education", "category", "joined_on", "status"} <= set(body)
    assert [t["state"] for t in body["transfers"]] == ["issued"]
    assert body["transfers"][0]["to_org_name"] == "上海市某党委"
    assert body["status_changes"] == [] and body["mobile_records"] == []
    assert audit_count() == before  # reading masked data is not a reveal


def test_reveal_returns_own_data_in_full_and_is_audited(client, api_for, county):
    lihua = county.own_member
    before = audit_count()
    body = client.get("/api/v1/me?reveal=true", **api_for("member")).json()
    assert body["id_number"] == lihua.id_number and body["phone"] == "13812345678"
    entry = AuditEntry.objects.exclude(action="token").latest("id")
    assert audit_count() == before + 1
    assert (entry.action, entry.object_id, entry.actor.username) == ("reveal", str(lihua.pk), "dangyuan")


def test_an_account_without_a_record_gets_404(client, api_for, personas):
    personas.member.member = None
    personas.member.save(update_fields=["member"])
    response = client.get("/api/v1/me", **api_for("member"))
    assert response.status_code == 404 and response.json()["detail"]


# --- corrections -------------------------------------------------------------------------------------------------


def test_submit_then_the_branch_approves_and_the_record_changes(client, api_for, county):
    created = post(
        client,
        "/api/v1/me/corrections",
        {"field": "education", "requested_value": "21", "reason": "已取得本科毕业证书"},
        api_for("member"),
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (
        body["state"] == "pending" and body["field_label"] == "学历" and body["requested_label"] == "大学本科"
    )
    listed = client.get("/api/v1/corrections?state=pending", **api_for("secretary")).json()
    assert [item["id"] for item in listed["items"]] == [body["id"]]
    approved = post(
        client, f"/api/v1/corrections/{body['id']}/approve", {"note": "已核对"}, api_for("secretary")
    )
    assert approved.status_code == 200, approved.content
    assert approved.json()["state"] == "approved" and approved.json()["decided_by_name"] == "zhibu"
    assert Member.objects.get(pk=county.own_member.pk).education == "21"
    update = AuditEntry.objects.filter(object_type="members.member", action="update").latest("id")
    assert (update.before["education"], update.after["education"]) == ("", "21")
    mine = client.get(f"/api/v1/me/corrections/{body['id']}", **api_for("member")).json()
    assert mine["state"] == "approved" and mine["decision_note"] == "已核对"


def test_deciding_twice_is_409_with_the_reason_and_changes_nothing(client, api_for, requests_of_lihua):
    correction, _question = requests_of_lihua
    url = f"/api/v1/corrections/{correction.pk}"
    assert post(client, f"{url}/reject", {"note": "请提供毕业证书"}, api_for("secretary")).status_code == 200
    before = audit_count()
    again = post(client, f"{url}/approve", {}, api_for("officer"))
    assert again.status_code == 409 and "不能重复处理" in again.json()["detail"]
    assert post(client, f"{url}/reject", {"note": "再驳回"}, api_for("admin")).status_code == 409
    assert audit_count() == before
    assert CorrectionRequest.objects.get(pk=correction.pk).state == "rejected"


def test_a_second_pending_request_for_the_same_field_is_409(client, api_for, requests_of_lihua):
    response = post(
        client,
        "/api/v1/me/corrections",
        {"field": "education", "requested_value": "31", "reason": "改为专科"},
        api_for("member"),
    )
    assert response.status_code == 409 and "尚未处理" in response.json()["detail"]
    assert CorrectionRequest.objects.count() == 1


@pytest.mark.parametrize(
    ("payload", "field", "words"),
    [
        ({"field": "name", "requested_value": "李桦", "reason": "错字"}, "field", "户籍证明"),
        ({"field": "org", "requested_value": "乙村", "reason": "搬家"}, "field", "组织关系转接"),
        ({"field": "salary", "requested_value": "1", "reason": "x"}, "field", "不能申请更正"),
        ({"field": "education", "requested_value": "99", "reason": "x"}, "requested_value", "代码表"),
        ({"field": "phone", "requested_value": "12345", "reason": "换号"}, "requested_value", "11 位"),
        (
            {"field": "joined_on", "requested_value": "2099-01-01", "reason": "x"},
            "requested_value",
            "晚于今天",
        ),
        (
            {"field": "joined_on", "requested_value": "2005-13-01", "reason": "x"},
            "requested_value",
            "日期格式",
        ),
        (
            {"field": "joined_on", "requested_value": "1990-01-01", "reason": "x"},
            "requested_value",
            "18 周岁",
        ),
        ({"field": "phone", "requested_value": "13812345678", "reason": "x"}, "requested_value", "相同"),
        ({"field": "native_place", "requested_value": "安徽旌德", "reason": " "}, "reason", "理由"),
    ],
)
def test_bad_requests_are_422_in_chinese_and_write_nothing(client, api_for, county, payload, field, words):
    before = audit_count()
    response = post(client, "/api/v1/me/corrections", payload, api_for("member"))
    assert response.status_code == 422, response.content
    body = response.json()
    assert words in body["detail"]
    assert body["errors"][0]["field"] == field
    assert CorrectionRequest.objects.count() == 0 and audit_count() == before


def test_schema_errors_are_422_not_500(client, api_for, county):
    response = post(client, "/api/v1/me/corrections", {"field": "phone"}, api_for("member"))
    assert response.status_code == 422 and response.json()["detail"].startswith("输入有误")
    response = post(client, "/api/v1/me/corrections", "{oops", api_for("member"))
    assert response.status_code in (400, 422)


def test_a_new_phone_is_kept_encrypted_and_shown_masked_until_applied(client, api_for, county):
    from django.db import connection

    body = post(
        client,
        "/api/v1/me/corrections",
        {"field": "phone", "requested_value": "139 0000 1111", "reason": "换了号码"},
        api_for("member"),
    ).json()
    assert body["requested_value"] == "139****1111" and body["current_value"] == "138****5678"
    with connection.cursor() as cursor:
        cursor.execute("SELECT requested_value, requested_secret FROM members_correctionrequest")
        rows = cursor.fetchall()
    assert rows and all("13900001111" not in (value or "") for row in rows for value in row)
    post(client, f"/api/v1/corrections/{body['id']}/approve", {}, api_for("secretary"))
    assert Member.objects.get(pk=county.own_member.pk).phone == "13900001111"
    entry = AuditEntry.objects.filter(object_type="members.member", action="update").latest("id")
    assert entry.after["phone"] == "139****1111"


def test_approval_that_the_record_no_longer_allows_is_refused(client, api_for, county, personas):
    correction = services.correction_request_submit(
        actor=personas.member, field="converted_on", requested_value="2006-07-01", reason="见转正审批表"
    )
    Member.objects.filter(pk=county.own_member.pk).update(status="transferred_out")
    response = post(client, f"/api/v1/corrections/{correction.pk}/approve", {}, api_for("secretary"))
    assert response.status_code == 409
    assert CorrectionRequest.objects.get(pk=correction.pk).state == "pending"


def test_reject_needs_a_reason(client, api_for, requests_of_lihua):
    correction, _question = requests_of_lihua
    response = post(
        client, f"/api/v1/corrections/{correction.pk}/reject", {"note": "  "}, api_for("secretary")
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "note"


# --- consultations -----------------------------------------------------------------------------------------------


def test_ask_answer_and_the_member_reads_the_answer(client, api_for, county):
    asked = post(
        client,
        "/api/v1/me/consultations",
        {"subject": "组织关系转接", "question": "到外地工作，组织关系怎么转？"},
        api_for("member"),
    )
    assert asked.status_code == 201, asked.content
    question = asked.json()
    assert question["answered"] is False and question["org_id"] == county.village_a1.pk
    waiting = client.get("/api/v1/consultations?answered=false", **api_for("officer")).json()
    assert [item["id"] for item in waiting["items"]] == [question["id"]]
    answered = post(
        client,
        f"/api/v1/consultations/{question['id']}/answer",
        {"answer": "请到支部开具介绍信。"},
        api_for("secretary"),
    )
    assert answered.status_code == 200 and answered.json()["answered"] is True
    mine = client.get("/api/v1/me/consultations", **api_for("member")).json()
    assert mine["count"] == 1 and mine["items"][0]["answer"] == "请到支部开具介绍信。"
    assert client.get("/api/v1/consultations?answered=false", **api_for("officer")).json()["count"] == 0


def test_answering_twice_is_409(client, api_for, requests_of_lihua):
    _correction, question = requests_of_lihua
    url = f"/api/v1/consultations/{question.pk}/answer"
    assert post(client, url, {"answer": "按退休金的 0.5% 交纳。"}, api_for("secretary")).status_code == 200
    again = post(client, url, {"answer": "更正：……"}, api_for("officer"))
    assert again.status_code == 409 and "不能重复答复" in again.json()["detail"]
    assert Consultation.objects.get(pk=question.pk).answer == "按退休金的 0.5% 交纳。"


def test_empty_question_is_422(client, api_for, county):
    response = post(client, "/api/v1/me/consultations", {"subject": "", "question": "x"}, api_for("member"))
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "subject"


# --- access matrix: every endpoint × every persona ---------------------------------------------------------------

READS = {
    # endpoint → expected status per role (admin, officer, secretary, secretary_b, member, reviewer, anonymous)
    "me": ("/api/v1/me", [403, 403, 403, 403, 200, 403, 401]),
    "me reveal": ("/api/v1/me?reveal=true", [403, 403, 403, 403, 200, 403, 401]),
    "my corrections": ("/api/v1/me/corrections", [403, 403, 403, 403, 200, 403, 401]),
    "my correction": ("/api/v1/me/corrections/{correction}", [403, 403, 403, 403, 200, 403, 401]),
    "someone else's correction": ("/api/v1/me/corrections/{other}", [403, 403, 403, 403, 404, 403, 401]),
    "my consultations": ("/api/v1/me/consultations", [403, 403, 403, 403, 200, 403, 401]),
    "my consultation": ("/api/v1/me/consultations/{question}", [403, 403, 403, 403, 200, 403, 401]),
    "corrections": ("/api/v1/corrections", [200, 200, 200, 200, 403, 403, 401]),
    "corrections within 甲村": (
        "/api/v1/corrections?within={village_a1}",
        [200, 200, 200, 404, 403, 403, 401],
    ),
    "correction of 甲村": ("/api/v1/corrections/{correction}", [200, 200, 200, 404, 403, 403, 401]),
    "correction of 丙村": ("/api/v1/corrections/{other}", [200, 404, 404, 200, 403, 403, 401]),
    "consultations": ("/api/v1/consultations", [200, 200, 200, 200, 403, 403, 401]),
    "consultation of 甲村": ("/api/v1/consultations/{question}", [200, 200, 200, 404, 403, 403, 401]),
}


@pytest.fixture
def ids(county, requests_of_lihua):
    from dangjian.accounts.models import User

    from ..factories import make_member

    correction, question = requests_of_lihua
    someone = make_member(county.village_b1, name="周七")
    account = User.objects.create_user(username="zhouqi", password="x", role="member", member=someone)
    other = services.correction_request_submit(
        actor=account, field="native_place", requested_value="安徽泾县", reason="户口本"
    )
    return {
        "correction": correction.pk,
        "question": question.pk,
        "other": other.pk,
        "village_a1": county.village_a1.pk,
    }


@pytest.mark.parametrize("endpoint", list(READS))
@pytest.mark.parametrize("role_index", range(len(ROLES)))
def test_read_access_matrix(client, api_for, ids, endpoint, role_index):
    url, expected = READS[endpoint]
    response = client.get(url.format(**ids), **api_for(ROLES[role_index]))
    assert response.status_code == expected[role_index], response.content
    if response.status_code >= 400:
        assert response.json()["detail"]


WRITES = {
    # name → (url, payload, expected per role, audit entries a success writes)
    "ask": (
        "/api/v1/me/consultations",
        {"subject": "学习", "question": "本月主题党日安排？"},
        [403, 403, 403, 403, 201, 403, 401],
        1,
    ),
    "request a correction": (
        "/api/v1/me/corrections",
        {"field": "work_unit", "requested_value": "旌德县供销社", "reason": "工作调动"},
        [403, 403, 403, 403, 201, 403, 401],
        1,
    ),
    "approve": (
        "/api/v1/corrections/{correction}/approve",
        {"note": ""},
        [200, 200, 200, 404, 403, 403, 401],
        2,  # the record's correction and the request's decision
    ),
    "reject": (
        "/api/v1/corrections/{correction}/reject",
        {"note": "请携带证书到支部核对"},
        [200, 200, 200, 404, 403, 403, 401],
        1,
    ),
    "answer": (
        "/api/v1/consultations/{question}/answer",
        {"answer": "每月 5 日前。"},
        [200, 200, 200, 404, 403, 403, 401],
        1,
    ),
}


@pytest.mark.parametrize("action", list(WRITES))
@pytest.mark.parametrize("role_index", range(len(ROLES)))
def test_write_access_matrix(client, api_for, ids, county, action, role_index):
    url, payload, expected, entries = WRITES[action]
    headers = api_for(ROLES[role_index])
    before = audit_count()
    record = Member.objects.get(pk=county.own_member.pk)
    response = post(client, url.format(**ids), payload, headers)
    assert response.status_code == expected[role_index], response.content
    assert audit_count() - before == (entries if response.status_code in (200, 201) else 0)
    if response.status_code >= 400:
        assert response.json()["detail"]
        after = Member.objects.get(pk=county.own_member.pk)
        assert (after.education, after.updated_at) == (record.education, record.updated_at)


def test_dates_in_the_api_are_iso(client, api_for, requests_of_lihua):
    item = client.get("/api/v1/me/corrections", **api_for("member")).json()["items"][0]
    assert dt.datetime.fromisoformat(item["requested_at"]).tzinfo is not None
    assert item["decided_at"] is None
