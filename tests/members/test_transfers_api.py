"""/api/v1/transfers: the contract of design/API.md, the letter (.docx), and the access matrix for every role.

The tree of tests/conftest.py:  县委 ─┬─ 甲镇党委 ─┬─ 甲村党支部 (A1) ── 第一党小组
                                     │           └─ 乙村党支部 (A2)
                                     └─ 丙镇党委 ─── 丙村党支部 (B1)
"""

import datetime as dt
import io
from types import SimpleNamespace

import pytest
from django.utils import timezone
from docx import Document
from docx.oxml.ns import qn

from dangjian.core import idnumber
from dangjian.core.models import AuditEntry
from dangjian.members.models import Member, Transfer
from dangjian.members.services import transfers as services

from ..factories import make_member

pytestmark = pytest.mark.django_db

ROLES = ["admin", "officer", "secretary", "secretary_b", "member", "reviewer", None]


def post(client, url, payload, headers):
    return client.post(url, payload, content_type="application/json", **headers)


@pytest.fixture
def world(county, personas):
    """A member of A1 with a letter to B1 (another township), another with a letter to A2 (same township)."""
    wang = make_member(county.village_a1, name="王建国")
    li = make_member(county.village_a1, name="李明")
    to_b1 = services.transfer_issue(actor=personas.secretary, member=wang, to_org=county.village_b1)
    to_a2 = services.transfer_issue(actor=personas.secretary, member=li, to_org=county.village_a2)
    return SimpleNamespace(wang=wang, li=li, to_b1=to_b1, to_a2=to_a2)


def ids(county, world) -> dict:
    return {
        "a1": county.village_a1.pk,
        "a2": county.village_a2.pk,
        "b1": county.village_b1.pk,
        "town_a": county.town_a.pk,
        "town_b": county.town_b.pk,
        "wang": world.wang.pk,
        "to_b1": world.to_b1.pk,
        "to_a2": world.to_a2.pk,
    }


# --- contract ----------------------------------------------------------------------------------------------


def test_issue_with_the_contracts_minimal_payload(client, api_for, county, personas):
    member = make_member(county.village_a1, name="赵六")
    response = post(
        client,
        "/api/v1/transfers",
        {"member_id": member.pk, "to_org_id": county.village_b1.pk},
        api_for("secretary"),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert {
        "id",
        "member_id",
        "from_org_id",
        "to_org_id",
        "destination_text",
        "issued_on",
        "valid_until",
        "state",
    } <= set(body)
    assert body["state"] == "issued" and body["member_id"] == member.pk
    assert body["from_org_id"] == county.village_a1.pk and body["to_org_id"] == county.village_b1.pk
    today = timezone.localdate()
    assert body["issued_on"] == today.isoformat()
    assert body["dues_paid_until"] == today.replace(day=1).isoformat()
    assert body["to_org_name"] == "丙村党支部"


def test_outgoing_to_outside_the_system(client, api_for, county):
    member = make_member(county.village_a1, name="赵六")
    body = post(
        client,
        "/api/v1/transfers",
        {"member_id": member.pk, "destination_text": "上海市某街道党工委", "valid_months": 6},
        api_for("secretary"),
    ).json()
    assert body["kind"] == "outgoing" and body["to_org_id"] is None
    assert body["destination_text"] == "上海市某街道党工委"


def test_receive_moves_the_member_and_a_second_receive_is_409(client, api_for, county, world):
    url = f"/api/v1/transfers/{world.to_b1.pk}/receive"
    first = post(client, url, {}, api_for("secretary_b"))
    assert first.status_code == 200 and first.json()["state"] == "received"
    assert Member.objects.get(pk=world.wang.pk).org_id == county.village_b1.pk
    second = post(client, url, {}, api_for("secretary_b"))
    assert second.status_code == 409 and "已接收" in second.json()["detail"]
    cancel = post(client, f"/api/v1/transfers/{world.to_b1.pk}/cancel", {}, api_for("secretary"))
    assert cancel.status_code == 409


def test_receive_and_cancel_without_a_body(client, api_for, county, world):
    empty = {"content_type": "application/json"}  # no body at all, as `curl -X POST` sends
    response = client.post(f"/api/v1/transfers/{world.to_a2.pk}/cancel", "", **empty, **api_for("secretary"))
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "cancelled"
    response = client.post(
        f"/api/v1/transfers/{world.to_b1.pk}/receive", "", **empty, **api_for("secretary_b")
    )
    assert response.status_code == 200, response.content


def test_dues_not_paid_up_is_422_with_field(client, api_for, county):
    member = make_member(county.village_a1, name="赵六")
    last_month = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    response = post(
        client,
        "/api/v1/transfers",
        {
            "member_id": member.pk,
            "to_org_id": county.village_b1.pk,
            "dues_paid_until": last_month.isoformat(),
        },
        api_for("secretary"),
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "dues_paid_until"
    assert not Transfer.objects.exists()


def test_second_letter_for_a_member_is_409(client, api_for, county, world):
    response = post(
        client,
        "/api/v1/transfers",
        {"member_id": world.wang.pk, "to_org_id": county.village_a2.pk},
        api_for("secretary"),
    )
    assert response.status_code == 409 and world.to_b1.letter_no in response.json()["detail"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"to_org_id": 1}, "member_id"),
        ({"member_id": "x", "to_org_id": 1}, "member_id"),
        ({"member_id": 0, "to_org_id": 999999}, "member_id"),
        ({"member_id": "{wang}", "to_org_id": 999999}, "to_org_id"),
        ({"member_id": "{wang}", "to_org_id": "{a1}"}, "to_org_id"),
        ({"member_id": "{wang}", "to_org_id": "{b1}", "valid_months": 12}, "valid_months"),
        ({"member_id": "{wang}", "to_org_id": "{b1}", "dues_paid_until": "2026-13-01"}, "dues_paid_until"),
    ],
)
def test_bad_issue_input_is_422_in_chinese(client, api_for, county, payload, field):
    wang = make_member(county.village_a1, name="王建国")
    values = {"wang": wang.pk, "a1": county.village_a1.pk, "b1": county.village_b1.pk}
    body = {
        k: (int(v.format(**values)) if isinstance(v, str) and v.startswith("{") else v)
        for k, v in payload.items()
    }
    response = post(client, "/api/v1/transfers", body, api_for("admin"))
    assert response.status_code == 422, response.content
    assert any(e["field"] == field and e["message"] for e in response.json()["errors"])


def test_lists_filter_by_direction_and_state(client, api_for, county, world):
    def letters(url, who):
        return {item["letter_no"] for item in client.get(url, **api_for(who)).json()["items"]}

    assert letters("/api/v1/transfers?direction=incoming&state=issued", "secretary_b") == {
        world.to_b1.letter_no
    }
    assert letters("/api/v1/transfers?direction=outgoing&state=issued", "secretary") == {
        world.to_b1.letter_no,
        world.to_a2.letter_no,
    }
    assert letters("/api/v1/transfers?direction=outgoing", "secretary_b") == set()
    assert letters(f"/api/v1/transfers?member_id={world.wang.pk}", "admin") == {world.to_b1.letter_no}
    assert letters("/api/v1/transfers?q=王", "officer") == {world.to_b1.letter_no}


def test_the_receiving_side_learns_only_names_of_the_sending_side(client, api_for, county, world):
    body = client.get(f"/api/v1/transfers/{world.to_b1.pk}", **api_for("secretary_b")).json()
    assert body["from_org_name"] == "甲村党支部" and body["member_name"] == "王建国"
    assert client.get(f"/api/v1/orgs/{county.village_a1.pk}", **api_for("secretary_b")).status_code == 404


def test_receiving_branch_picker_lists_names_of_branches_everywhere(client, api_for, county):
    rows = client.get("/api/v1/transfers/receiving-branches?q=丙村", **api_for("secretary")).json()
    assert rows == [{"id": county.village_b1.pk, "name": "丙村党支部", "parent_name": "丙镇党委"}]
    assert client.get("/api/v1/transfers/receiving-branches?q=镇", **api_for("secretary")).json() == []


def test_an_overdue_letter_reads_expired_and_cannot_be_received(client, api_for, county, world):
    Transfer.objects.filter(pk=world.to_b1.pk).update(valid_until=timezone.localdate() - dt.timedelta(days=1))
    body = client.get(f"/api/v1/transfers/{world.to_b1.pk}", **api_for("secretary_b")).json()
    assert body["state"] == "expired"
    response = post(client, f"/api/v1/transfers/{world.to_b1.pk}/receive", {}, api_for("secretary_b"))
    assert response.status_code == 409 and "有效期" in response.json()["detail"]
    assert Member.objects.get(pk=world.wang.pk).org_id == county.village_a1.pk


def test_register_incoming_from_outside(client, api_for, county):
    today = timezone.localdate()
    number = idnumber.build("310104", dt.date(1992, 8, 8), 246)
    payload = {
        "to_org_id": county.village_b1.pk,
        "source_text": "中共上海市徐汇区某街道工作委员会",
        "letter_no": "沪组转〔2026〕第0088号",
        "issued_on": today.isoformat(),
        "valid_until": (today + dt.timedelta(days=30)).isoformat(),
        "dues_paid_until": today.isoformat(),
        "name": "周敏",
        "id_number": number,
        "category": "probationary",
        "joined_on": (today - dt.timedelta(days=100)).isoformat(),
    }
    response = post(client, "/api/v1/transfers/incoming", payload, api_for("secretary_b"))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "incoming" and body["state"] == "received" and body["from_org_id"] is None
    member = Member.objects.get(pk=body["member_id"])
    assert member.org_id == county.village_b1.pk and member.gender == "female"
    again = post(client, "/api/v1/transfers/incoming", payload, api_for("secretary_b"))
    assert again.status_code == 422 and again.json()["errors"][0]["field"] == "letter_no"


# --- the letter --------------------------------------------------------------------------------------------


def test_letter_is_a_word_document_with_stub_letter_and_receipt(client, api_for, county, world, settings):
    settings.TRANSFER_LETTER_PREFIX = "旌组转"
    member = make_member(county.village_a1, name="欧阳娜娜", gender="female", birth=dt.date(1990, 6, 1))
    transfer = services.transfer_issue(
        actor=_user(county, "zhibu"), member=member, to_org=county.village_b1, reason="工作调动"
    )
    before = AuditEntry.objects.filter(action="export").count()
    response = client.get(f"/api/v1/transfers/{transfer.pk}/letter", **api_for("secretary"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument")
    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "中国共产党党员组织关系介绍信（存根）" in text
    assert "中国共产党党员组织关系介绍信（回执）" in text
    assert text.count(transfer.letter_no) == 3 and transfer.letter_no.startswith("旌组转〔")
    assert member.id_number in text  # the letter states the full number
    assert "欧阳娜娜同志（女，" in text and "汉族" in text and "正式党员" in text
    assert "由甲村党支部去丙村党支部，请转接组织关系" in text
    today = timezone.localdate()
    assert f"党费已交到{today.year}年{today.month}月" in text
    days = (transfer.valid_until - transfer.issued_on).days
    assert f"（有效期{days}天，至{transfer.valid_until.year}年{transfer.valid_until.month}月" in text
    assert "甲镇党委：" in text  # the receipt goes back to the issuing 基层党委
    assert "{{" not in text and "{%" not in text
    section = document.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    normal = document.styles["Normal"].element.rPr.rFonts
    assert normal.get(qn("w:eastAsia")) == "宋体"
    assert AuditEntry.objects.filter(action="export").count() == before + 1
    entry = AuditEntry.objects.filter(action="export").latest("id")
    assert entry.object_id == str(transfer.pk) and "下载介绍信" in entry.summary


def test_letter_escapes_what_it_fills_in(client, api_for, county):
    member = make_member(county.village_a1, name="A&B<C>")
    transfer = services.transfer_issue(
        actor=_user(county, "zhibu"), member=member, destination_text="X & Y <Z>"
    )
    response = client.get(f"/api/v1/transfers/{transfer.pk}/letter", **api_for("secretary"))
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "A&B<C>同志" in text and "X & Y <Z>" in text


def test_no_letter_for_an_incoming_transfer(client, api_for, county, personas):
    transfer = services.transfer_register_incoming(
        actor=personas.secretary_b,
        to_org=county.village_b1,
        source_text="外省某党委",
        letter_no="外〔2026〕1号",
        issued_on=timezone.localdate(),
        valid_until=timezone.localdate() + dt.timedelta(days=10),
        dues_paid_until=timezone.localdate(),
        name="冯七",
        id_number=idnumber.build("310104", dt.date(1988, 1, 2), 111),
        category="full",
        joined_on=dt.date(2010, 1, 1),
    )
    response = client.get(f"/api/v1/transfers/{transfer.pk}/letter", **api_for("secretary_b"))
    assert response.status_code == 409 and response.json()["detail"]


def _user(county, username):
    from dangjian.accounts.models import User

    return User.objects.get(username=username)


# --- access matrix -----------------------------------------------------------------------------------------

READS = {
    # endpoint → expected status per role (admin, officer, secretary, secretary_b, member, reviewer, anonymous)
    "list": ("/api/v1/transfers", [200, 200, 200, 200, 403, 403, 401]),
    "list within town_b": ("/api/v1/transfers?within={town_b}", [200, 404, 404, 404, 403, 403, 401]),
    "detail A1→B1": ("/api/v1/transfers/{to_b1}", [200, 200, 200, 200, 403, 403, 401]),
    "detail A1→A2": ("/api/v1/transfers/{to_a2}", [200, 200, 200, 404, 403, 403, 401]),
    "letter A1→B1": ("/api/v1/transfers/{to_b1}/letter", [200, 200, 200, 200, 403, 403, 401]),
    "letter A1→A2": ("/api/v1/transfers/{to_a2}/letter", [200, 200, 200, 404, 403, 403, 401]),
    "branches": ("/api/v1/transfers/receiving-branches?q=村", [200, 200, 200, 200, 403, 403, 401]),
    "missing": ("/api/v1/transfers/999999", [404, 404, 404, 404, 403, 403, 401]),
}


@pytest.mark.parametrize("endpoint", list(READS))
@pytest.mark.parametrize("role_index", range(len(ROLES)))
def test_read_access_matrix(client, api_for, county, world, endpoint, role_index):
    url, expected = READS[endpoint]
    response = client.get(url.format(**ids(county, world)), **api_for(ROLES[role_index]))
    assert response.status_code == expected[role_index], response.content
    if response.status_code >= 400:
        assert response.json()["detail"]


def _incoming_payload(ids_):
    today = timezone.localdate()
    return {
        "to_org_id": ids_["b1"],
        "source_text": "外省某党委",
        "letter_no": f"外组转{ids_['to_b1']}",
        "issued_on": today.isoformat(),
        "valid_until": (today + dt.timedelta(days=30)).isoformat(),
        "dues_paid_until": today.isoformat(),
        "name": "新来者",
        "id_number": idnumber.build("310104", dt.date(1985, 5, 5), 333),
        "category": "full",
        "joined_on": "2010-07-01",
    }


WRITES = {
    # name → (url, payload(ids), expected per role)
    "issue A1 member to B1": (
        "/api/v1/transfers",
        lambda i: {"member_id": i["wang2"], "to_org_id": i["b1"]},
        [201, 201, 201, 422, 403, 403, 401],
    ),
    "receive A1→B1": ("/api/v1/transfers/{to_b1}/receive", lambda i: {}, [200, 403, 403, 200, 403, 403, 401]),
    "cancel A1→B1": ("/api/v1/transfers/{to_b1}/cancel", lambda i: {}, [200, 200, 200, 403, 403, 403, 401]),
    "cancel A1→A2": ("/api/v1/transfers/{to_a2}/cancel", lambda i: {}, [200, 200, 200, 404, 403, 403, 401]),
    "receive A1→A2": ("/api/v1/transfers/{to_a2}/receive", lambda i: {}, [200, 200, 403, 404, 403, 403, 401]),
    "register incoming at B1": (
        "/api/v1/transfers/incoming",
        _incoming_payload,
        [201, 422, 422, 201, 403, 403, 401],
    ),
}


@pytest.mark.parametrize("action", list(WRITES))
@pytest.mark.parametrize("role_index", range(len(ROLES)))
def test_write_access_matrix(client, api_for, county, world, action, role_index):
    url, payload, expected = WRITES[action]
    values = {**ids(county, world), "wang2": make_member(county.village_a1, name="王二").pk}
    headers = api_for(ROLES[role_index])  # issuing the token is audited too: count after it
    before = AuditEntry.objects.exclude(action="token").count()
    states = dict(Transfer.objects.values_list("pk", "state"))
    response = post(client, url.format(**values), payload(values), headers)
    assert response.status_code == expected[role_index], response.content
    written = AuditEntry.objects.exclude(action="token").count() - before
    assert written == (1 if response.status_code in (200, 201) else 0)
    if response.status_code >= 400:
        assert dict(Transfer.objects.values_list("pk", "state")) == states
