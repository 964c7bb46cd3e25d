"""/api/v1/meetings: the contract of design/API.md (shapes, enums, status codes) and the access matrix."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document

from dangjian.core.models import AuditEntry
from dangjian.orglife.models import Meeting, MeetingFile, Vote

from ._meetings import days, everyone, held, members_of, seat_committee

pytestmark = pytest.mark.django_db

ROLES = ["admin", "officer", "secretary", "secretary_b", "member", "reviewer", None]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def post(client, url, body, who, method="post"):
    return getattr(client, method)(url, body, content_type="application/json", **who)


@pytest.fixture
def meeting_a1(county, personas):
    full = members_of(county.village_a1, "full")
    return held(
        personas.secretary,
        county.village_a1,
        "assembly",
        attendees=everyone(full[:6])
        + everyone(full[6:7], "leave")
        + everyone(members_of(county.village_a1, "probationary")),
    )


@pytest.fixture
def meeting_b1(county, personas):
    return held(personas.secretary_b, county.village_b1, "assembly")


# --- shapes -----------------------------------------------------------------------------------------------


def test_create_answers_201_with_the_meeting(client, api_for, county):
    people = members_of(county.village_a1)
    body = {
        "org_id": county.village_a1.pk,
        "kind": "assembly",
        "held_on": f"{days(-1):%Y-%m-%d}",
        "topic": "第一季度党员大会",
        "starts_at": "09:30",
        "attendees": [
            {"member_id": people[0].pk, "attendance": "present"},
            {"member_id": people[1].pk, "attendance": "leave", "note": "外出"},
            {"member_id": people[2].pk, "attendance": "absent"},
        ],
        "minutes": "会议记录",
    }
    who = api_for("secretary")  # issuing the token writes its own audit entry
    before = AuditEntry.objects.count()
    response = post(client, "/api/v1/meetings", body, who)
    assert response.status_code == 201, response.content
    data = response.json()
    assert {"id", "org_id", "kind", "held_on", "topic", "attendees", "minutes", "state"} <= set(data)
    assert (data["org_id"], data["kind"], data["state"], data["held_on"]) == (
        county.village_a1.pk,
        "assembly",
        "held",
        f"{days(-1):%Y-%m-%d}",
    )
    assert {(a["member_id"], a["attendance"]) for a in data["attendees"]} == {
        (people[0].pk, "present"),
        (people[1].pk, "leave"),
        (people[2].pk, "absent"),
    }
    assert (data["should_attend"], data["present"], data["leave"], data["absent"]) == (3, 1, 1, 1)
    assert data["starts_at"] == "09:30:00"
    assert AuditEntry.objects.count() == before + 1
    assert AuditEntry.objects.latest("id").after["starts_at"] == "09:30:00"


def test_a_meeting_is_planned_ahead_through_the_api(client, api_for, county):
    body = {
        "org_id": county.village_a1.pk,
        "kind": "themed_day",
        "held_on": f"{days(10):%Y-%m-%d}",
        "topic": "七一主题党日",
        "state": "planned",
        "themed_items": ["study", "service"],
    }
    data = post(client, "/api/v1/meetings", body, api_for("secretary")).json()
    assert data["state"] == "planned"
    assert data["themed_missing"] == ["life", "discussion"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "party"}, "kind"),
        ({"held_on": "2026-13-01"}, "held_on"),
        ({"held_on": None}, "held_on"),
        ({"topic": None}, "topic"),
        ({"state": "done"}, "state"),
        ({"attendees": [{"member_id": 1, "attendance": "late"}]}, "attendees.0.attendance"),
        ({"hours": 2}, "hours"),
        ({"org_id": "x"}, "org_id"),
    ],
)
def test_bad_input_is_422_with_the_field_and_nothing_stored(client, api_for, county, change, field):
    body = {
        "org_id": county.village_a1.pk,
        "kind": "assembly",
        "held_on": f"{days(-1):%Y-%m-%d}",
        "topic": "会议",
        **change,
    }
    who = api_for("secretary")
    before = (Meeting.objects.count(), AuditEntry.objects.count())
    response = post(client, "/api/v1/meetings", body, who)
    assert response.status_code == 422, response.content
    data = response.json()
    assert data["detail"] and field in {e["field"] for e in data["errors"]}
    assert (Meeting.objects.count(), AuditEntry.objects.count()) == before


def test_an_organization_outside_the_scope_is_422_on_create(client, api_for, county):
    body = {
        "org_id": county.village_b1.pk,
        "kind": "assembly",
        "held_on": f"{days(-1):%Y-%m-%d}",
        "topic": "会",
    }
    response = post(client, "/api/v1/meetings", body, api_for("secretary"))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "org_id"


def test_a_stranger_at_the_meeting_is_422(client, api_for, county):
    stranger = members_of(county.village_b1)[0]
    body = {
        "org_id": county.village_a1.pk,
        "kind": "assembly",
        "held_on": f"{days(-1):%Y-%m-%d}",
        "topic": "会",
        "attendees": [{"member_id": stranger.pk, "attendance": "present"}],
    }
    response = post(client, "/api/v1/meetings", body, api_for("admin"))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "attendees"


def test_list_filters(client, api_for, county, personas, meeting_a1, meeting_b1):
    lecture = held(personas.officer, county.town_a, "lecture", hours=3, held_on=days(-30))
    plan = held(personas.secretary, county.village_a1, "themed_day", held_on=days(-5))
    who = api_for("admin")

    def ids(query):
        data = client.get(f"/api/v1/meetings{query}", **who).json()
        assert data["count"] == len(data["items"]) or "limit" in query
        return {item["id"] for item in data["items"]}

    assert ids("") == {meeting_a1.pk, meeting_b1.pk, lecture.pk, plan.pk}
    assert ids(f"?within={county.town_a.pk}") == {meeting_a1.pk, lecture.pk, plan.pk}
    assert ids("?kind=lecture") == {lecture.pk}
    assert ids(f"?from={days(-6):%Y-%m-%d}&to={days(-2):%Y-%m-%d}") == {plan.pk}
    assert ids("?state=planned") == set()
    first = client.get("/api/v1/meetings?limit=2&offset=0", **who).json()
    second = client.get("/api/v1/meetings?limit=2&offset=2", **who).json()
    assert first["count"] == 4 and len(first["items"]) == 2 and len(second["items"]) == 2
    assert not {i["id"] for i in first["items"]} & {i["id"] for i in second["items"]}


def test_list_rejects_bad_enums_with_422(client, api_for, personas):
    response = client.get("/api/v1/meetings?kind=party", **api_for("admin"))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "kind"


def test_detail_and_patch(client, api_for, meeting_a1):
    url = f"/api/v1/meetings/{meeting_a1.pk}"
    data = client.get(url, **api_for("officer")).json()
    assert data["id"] == meeting_a1.pk and data["present"] == 8  # 6 full + 2 probationary
    response = post(
        client, url, {"minutes": "补充的记录", "place": "党员活动室"}, api_for("secretary"), "patch"
    )
    assert response.status_code == 200
    assert (response.json()["minutes"], response.json()["place"]) == ("补充的记录", "党员活动室")
    bad = post(client, url, {"held_on": f"{days(3):%Y-%m-%d}"}, api_for("secretary"), "patch")
    assert bad.status_code == 422


def test_hold_and_cancel_answer_200_then_409(client, api_for, county, personas):
    planned = []
    for topic in ("一", "二"):
        body = {
            "org_id": county.village_a1.pk,
            "kind": "assembly",
            "held_on": f"{days(0):%Y-%m-%d}",
            "topic": topic,
            "state": "planned",
        }
        planned.append(post(client, "/api/v1/meetings", body, api_for("secretary")).json()["id"])
    people = members_of(county.village_a1)[:3]
    hold = post(
        client,
        f"/api/v1/meetings/{planned[0]}/hold",
        {"minutes": "记录", "attendees": [{"member_id": m.pk, "attendance": "present"} for m in people]},
        api_for("secretary"),
    )
    assert hold.status_code == 200 and hold.json()["state"] == "held" and hold.json()["present"] == 3
    again = post(client, f"/api/v1/meetings/{planned[0]}/hold", {}, api_for("secretary"))
    assert again.status_code == 409 and again.json()["detail"]
    cancel_held = post(
        client, f"/api/v1/meetings/{planned[0]}/cancel", {"reason": "误"}, api_for("secretary")
    )
    assert cancel_held.status_code == 409
    cancel = post(client, f"/api/v1/meetings/{planned[1]}/cancel", {"reason": "改期"}, api_for("secretary"))
    assert cancel.status_code == 200 and cancel.json()["state"] == "cancelled"
    assert cancel.json()["cancel_reason"] == "改期"
    assert (
        post(
            client, f"/api/v1/meetings/{planned[1]}/cancel", {"reason": "再"}, api_for("secretary")
        ).status_code
        == 409
    )
    assert post(client, f"/api/v1/meetings/{planned[1]}/hold", {}, api_for("secretary")).status_code == 409
    assert post(client, f"/api/v1/meetings/{planned[0]}/cancel", {}, api_for("secretary")).status_code == 422


def test_put_attendees_replaces_the_list(client, api_for, county, meeting_a1):
    person = members_of(county.village_a1)[0]
    response = post(
        client,
        f"/api/v1/meetings/{meeting_a1.pk}/attendees",
        [{"member_id": person.pk, "attendance": "leave", "note": "生病"}],
        api_for("secretary"),
        "put",
    )
    assert response.status_code == 200
    assert response.json()["attendees"] == [
        {"member_id": person.pk, "member_name": person.name, "attendance": "leave", "note": "生病"}
    ]


def test_a_vote_answers_with_the_figures_the_platform_worked_out(client, api_for, meeting_a1):
    url = f"/api/v1/meetings/{meeting_a1.pk}/votes"
    response = post(
        client, url, {"motion": "接收王五为预备党员", "yes": 5, "no": 1, "abstain": 0}, api_for("secretary")
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert {"eligible", "present", "quorum_met", "passed", "should_attend", "reasons"} <= set(data)
    # 9 full members have a vote (the 2 probationary members present do not), 6 of them are present.
    assert (data["eligible"], data["should_attend"], data["present"]) == (9, 9, 6)
    assert data["quorum_met"] is True and data["passed"] is True
    assert len(data["reasons"]) == 2
    listing = client.get(url, **api_for("officer")).json()
    assert listing["count"] == 1 and listing["items"][0]["id"] == data["id"]


def test_a_vote_with_more_ballots_than_present_is_422(client, api_for, meeting_a1):
    url = f"/api/v1/meetings/{meeting_a1.pk}/votes"
    response = post(client, url, {"motion": "事项", "yes": 5, "no": 1, "abstain": 1}, api_for("secretary"))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "yes"
    assert Vote.objects.count() == 0
    negative = post(client, url, {"motion": "事项", "yes": -1}, api_for("secretary"))
    assert negative.status_code == 422


def test_a_vote_at_a_lecture_is_422_and_at_a_plan_409(client, api_for, county, personas):
    lecture = held(personas.secretary, county.village_a1, "lecture", hours=2)
    response = post(
        client, f"/api/v1/meetings/{lecture.pk}/votes", {"motion": "事项", "yes": 0}, api_for("secretary")
    )
    assert response.status_code == 422
    body = {
        "org_id": county.village_a1.pk,
        "kind": "assembly",
        "held_on": f"{days(2):%Y-%m-%d}",
        "topic": "计划",
        "state": "planned",
    }
    planned = post(client, "/api/v1/meetings", body, api_for("secretary")).json()["id"]
    response = post(
        client, f"/api/v1/meetings/{planned}/votes", {"motion": "事项", "yes": 0}, api_for("secretary")
    )
    assert response.status_code == 409


def test_a_committee_vote_through_the_api(client, api_for, county, personas):
    committee = seat_committee(county.village_a1, size=3)
    meeting = held(personas.secretary, county.village_a1, "committee", attendees=everyone(committee[:2]))
    data = post(
        client,
        f"/api/v1/meetings/{meeting.pk}/votes",
        {"motion": "确定入党积极分子", "yes": 2},
        api_for("secretary"),
    ).json()
    assert (data["rule"], data["eligible"], data["present"], data["passed"]) == ("committee", 3, 2, True)


def test_vote_subject_outside_the_scope_is_422(client, api_for, county, meeting_a1):
    stranger = members_of(county.village_b1)[0]
    response = post(
        client,
        f"/api/v1/meetings/{meeting_a1.pk}/votes",
        {"motion": "转正", "yes": 5, "subject_id": stranger.pk},
        api_for("secretary"),
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "subject_id"


def test_grades_through_the_api(client, api_for, county, personas):
    meeting = held(personas.secretary, county.village_a1, "appraisal")
    people = members_of(county.village_a1)[:6]
    url = f"/api/v1/meetings/{meeting.pk}/grades"
    grades = [
        {"member_id": m.pk, "grade": "excellent" if i < 3 else "qualified"} for i, m in enumerate(people)
    ]
    refused = post(client, url, {"grades": grades}, api_for("secretary"))
    assert refused.status_code == 422 and "三分之一" in refused.json()["detail"]
    grades[2]["grade"] = "basically_qualified"
    accepted = post(client, url, {"grades": grades}, api_for("secretary"))
    assert accepted.status_code == 200 and accepted.json()["count"] == 6
    assert {g["grade"] for g in client.get(url, **api_for("officer")).json()["items"]} == {
        "excellent",
        "qualified",
        "basically_qualified",
    }
    bad_enum = post(
        client, url, {"grades": [{"member_id": people[0].pk, "grade": "good"}]}, api_for("secretary")
    )
    assert bad_enum.status_code == 422


def test_files_through_the_api(client, api_for, meeting_a1, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    url = f"/api/v1/meetings/{meeting_a1.pk}/files"
    response = client.post(url, {"file": SimpleUploadedFile("现场照片.png", PNG)}, **api_for("secretary"))
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["name"], data["content_type"], data["size"]) == ("现场照片.png", "image/png", len(PNG))
    wrong = client.post(url, {"file": SimpleUploadedFile("脚本.exe", b"MZ" * 10)}, **api_for("secretary"))
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "file"
    missing = client.post(url, {}, **api_for("secretary"))
    assert missing.status_code == 422
    assert client.get(url, **api_for("officer")).json()["count"] == 1
    gone = client.delete(f"{url}/{data['id']}", **api_for("secretary"))
    assert gone.status_code == 204 and MeetingFile.objects.count() == 0


def test_the_record_downloads_as_word(client, api_for, meeting_a1):
    response = client.get(f"/api/v1/meetings/{meeting_a1.pk}/record", **api_for("officer"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "党员大会会议记录" in text


# --- access matrix ----------------------------------------------------------------------------------------

READS = {
    # endpoint → expected status per role, in the order of ROLES
    "list": ("/api/v1/meetings", [200, 200, 200, 200, 403, 403, 401]),
    "list_within_a": ("/api/v1/meetings?within={town_a}", [200, 200, 404, 404, 403, 403, 401]),
    "detail_a1": ("/api/v1/meetings/{a1}", [200, 200, 200, 404, 403, 403, 401]),
    "detail_b1": ("/api/v1/meetings/{b1}", [200, 404, 404, 200, 403, 403, 401]),
    "votes_a1": ("/api/v1/meetings/{a1}/votes", [200, 200, 200, 404, 403, 403, 401]),
    "grades_a1": ("/api/v1/meetings/{a1}/grades", [200, 200, 200, 404, 403, 403, 401]),
    "files_a1": ("/api/v1/meetings/{a1}/files", [200, 200, 200, 404, 403, 403, 401]),
    "record_a1": ("/api/v1/meetings/{a1}/record", [200, 200, 200, 404, 403, 403, 401]),
    "missing": ("/api/v1/meetings/999999", [404, 404, 404, 404, 403, 403, 401]),
}


@pytest.mark.parametrize("endpoint", list(READS))
@pytest.mark.parametrize("role_index", range(len(ROLES)))
def test_read_access_matrix(client, api_for, county, meeting_a1, meeting_b1, endpoint, role_index):
    url, expected = READS[endpoint]
    url = url.format(town_a=county.town_a.pk, a1=meeting_a1.pk, b1=meeting_b1.pk)
    response = client.get(url, **api_for(ROLES[role_index]))
    assert response.status_code == expected[role_index], response.content


WRITES = {
    # endpoint → (method, url, body, expected per role); each runs on a fresh meeting of 甲村
    "patch": ("patch", "/api/v1/meetings/{a1}", {"place": "新地点"}, [200, 200, 200, 404, 403, 403, 401]),
    "attendees": ("put", "/api/v1/meetings/{a1}/attendees", [], [200, 200, 200, 404, 403, 403, 401]),
    "vote": (
        "post",
        "/api/v1/meetings/{a1}/votes",
        {"motion": "事项", "yes": 5},
        [200, 200, 200, 404, 403, 403, 401],
    ),
    "cancel_held": (
        "post",
        "/api/v1/meetings/{a1}/cancel",
        {"reason": "误"},
        [409, 409, 409, 404, 403, 403, 401],
    ),
    "create_a1": (
        "post",
        "/api/v1/meetings",
        {"org_id": "{village_a1}", "kind": "lecture", "held_on": "{yesterday}", "topic": "党课", "hours": 2},
        [201, 201, 201, 422, 403, 403, 401],
    ),
    "create_a2": (
        "post",
        "/api/v1/meetings",
        {"org_id": "{village_a2}", "kind": "lecture", "held_on": "{yesterday}", "topic": "党课", "hours": 2},
        [201, 201, 422, 422, 403, 403, 401],
    ),
}


def _fill(value, ids):
    if isinstance(value, str) and value.startswith("{"):
        filled = value.format(**ids)
        return int(filled) if filled.isdigit() else filled
    return value


@pytest.mark.parametrize("endpoint", list(WRITES))
@pytest.mark.parametrize("role_index", range(len(ROLES)))
def test_write_access_matrix(client, api_for, county, meeting_a1, endpoint, role_index):
    method, url, body, expected = WRITES[endpoint]
    ids = {
        "a1": meeting_a1.pk,
        "village_a1": county.village_a1.pk,
        "village_a2": county.village_a2.pk,
        "yesterday": f"{days(-1):%Y-%m-%d}",
    }
    if isinstance(body, dict):
        body = {key: _fill(value, ids) for key, value in body.items()}
    who = api_for(ROLES[role_index])
    before = (AuditEntry.objects.count(), Meeting.objects.count(), Vote.objects.count())
    snapshot = Meeting.objects.filter(pk=meeting_a1.pk).values().get()
    response = getattr(client, method)(url.format(**ids), body, content_type="application/json", **who)
    status = expected[role_index]
    assert response.status_code == status, response.content
    if status in (200, 201):
        assert AuditEntry.objects.count() == before[0] + 1
    else:
        assert (AuditEntry.objects.count(), Meeting.objects.count(), Vote.objects.count()) == before
        assert Meeting.objects.filter(pk=meeting_a1.pk).values().get() == snapshot
