"""The meeting pages: list, calendar, recording, one meeting's tabs and its forms, for every role."""

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


@pytest.fixture
def meeting_a1(county, personas):
    full = members_of(county.village_a1, "full")
    return held(
        personas.secretary,
        county.village_a1,
        "assembly",
        topic="第一季度党员大会",
        minutes="学习党章",
        attendees=everyone(full[:6]) + everyone(full[6:7], "leave"),
    )


@pytest.fixture
def meeting_b1(county, personas):
    return held(personas.secretary_b, county.village_b1, "assembly", topic="丙村党员大会")


def html(response) -> str:
    return response.content.decode()


# --- access matrix ----------------------------------------------------------------------------------------

PAGES = {
    "list": ("/orglife/", [200, 200, 200, 200, 403, 403, 302]),
    "calendar": ("/orglife/calendar/", [200, 200, 200, 200, 403, 403, 302]),
    "create": ("/orglife/new/", [200, 200, 200, 200, 403, 403, 302]),
    "detail_a1": ("/orglife/{a1}/", [200, 200, 200, 404, 403, 403, 302]),
    "detail_b1": ("/orglife/{b1}/", [200, 404, 404, 200, 403, 403, 302]),
    "attendance_tab": ("/orglife/{a1}/?tab=attendance", [200, 200, 200, 404, 403, 403, 302]),
    "votes_tab": ("/orglife/{a1}/?tab=votes", [200, 200, 200, 404, 403, 403, 302]),
    "files_tab": ("/orglife/{a1}/?tab=files", [200, 200, 200, 404, 403, 403, 302]),
    "history_tab": ("/orglife/{a1}/?tab=history", [200, 200, 200, 404, 403, 403, 302]),
    "edit": ("/orglife/{a1}/edit/", [200, 200, 200, 404, 403, 403, 302]),
    "hold_held": ("/orglife/{a1}/hold/", [409, 409, 409, 404, 403, 403, 302]),
    "cancel_held": ("/orglife/{a1}/cancel/", [409, 409, 409, 404, 403, 403, 302]),
    "record": ("/orglife/{a1}/record.docx", [200, 200, 200, 404, 403, 403, 302]),
    "print": ("/orglife/{a1}/print/", [200, 200, 200, 404, 403, 403, 302]),
    "list_within_a": ("/orglife/?within={town_a}", [200, 200, 404, 404, 403, 403, 302]),
}


@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.parametrize("role_index", range(len(ROLES)))
def test_page_access_matrix(client_for, county, meeting_a1, meeting_b1, page, role_index):
    url, expected = PAGES[page]
    url = url.format(a1=meeting_a1.pk, b1=meeting_b1.pk, town_a=county.town_a.pk)
    response = client_for(ROLES[role_index]).get(url)
    assert response.status_code == expected[role_index], (url, response.status_code)
    if expected[role_index] == 302:
        assert response["Location"].startswith("/accounts/login/")


def test_the_navigation_offers_organizational_life_to_the_tree_roles_only(client_for, personas):
    assert "组织生活" in html(client_for("secretary").get("/"))
    assert 'href="/orglife/"' not in html(client_for("member").get("/"))


def test_a_secretary_of_another_township_cannot_write_here(client_for, meeting_a1):
    client = client_for("secretary_b")
    before = (AuditEntry.objects.count(), Vote.objects.count())
    for url, data in (
        (f"/orglife/{meeting_a1.pk}/attendance/", {"all": "present"}),
        (f"/orglife/{meeting_a1.pk}/votes/", {"motion": "事项", "yes": 1}),
        (f"/orglife/{meeting_a1.pk}/edit/", {"topic": "改"}),
    ):
        assert client.post(url, data).status_code == 404
    assert (AuditEntry.objects.count(), Vote.objects.count()) == before


def test_a_member_cannot_post_either(client_for, meeting_a1):
    response = client_for("member").post(f"/orglife/{meeting_a1.pk}/attendance/", {"all": "present"})
    assert response.status_code == 403


def test_a_secretary_sees_but_does_not_write_the_township_meetings(client_for, county, personas, meeting_a1):
    lecture = held(personas.officer, county.town_a, "lecture", hours=2)
    assert client_for("secretary").get(f"/orglife/{lecture.pk}/").status_code == 404  # above the branch
    assert client_for("officer").get(f"/orglife/{meeting_a1.pk}/").status_code == 200


# --- the list and the calendar -------------------------------------------------------------------------------


def test_the_list_shows_meetings_with_their_attendance(client_for, meeting_a1, meeting_b1):
    page = html(client_for("officer").get("/orglife/"))
    assert "第一季度党员大会" in page and "丙村党员大会" not in page
    assert "6 / 1 / 0" in page


def test_the_list_filters_with_htmx_and_keeps_the_query_in_the_url(client_for, county, personas, meeting_a1):
    held(personas.secretary, county.village_a1, "lecture", hours=2, topic="专题党课")
    response = client_for("secretary").get(
        "/orglife/?kind=lecture", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="list-body"
    )
    body = html(response)
    assert "专题党课" in body and "第一季度党员大会" not in body
    assert "<html" not in body
    assert response["HX-Push-Url"] == "/orglife/?kind=lecture"


def test_the_list_pages_by_keyset(client_for, county, personas, monkeypatch):
    from dangjian.orglife import views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    topics = [f"会议{i}" for i in range(5)]
    for index, topic in enumerate(topics):
        held(personas.secretary, county.village_a1, topic=topic, held_on=days(-10 - index))
    client = client_for("secretary")
    seen, url = [], "/orglife/"
    for _ in range(3):
        response = client.get(url)
        page = response.context["rows"]
        seen += [meeting.topic for meeting, _counts in page]
        url = "/orglife/" + response.context["next_url"] if response.context["next_url"] else None
        if url is None:
            break
    assert seen == topics


def test_a_bad_filter_is_ignored_not_an_error(client_for, meeting_a1):
    response = client_for("secretary").get("/orglife/?date_from=yesterday&kind=party")
    assert response.status_code == 200
    assert "第一季度党员大会" in html(response)


def test_the_calendar_places_planned_and_held_meetings_on_their_days(client_for, county, personas):
    today = days(0)
    planned = Meeting.objects.create(
        org=county.village_a1,
        org_path=county.village_a1.path,
        kind="themed_day",
        state="planned",
        held_on=today.replace(day=28),
        topic="主题党日",
    )
    done = held(personas.secretary, county.village_a1, held_on=today.replace(day=1), topic="月初党员大会")
    cancelled = Meeting.objects.create(
        org=county.village_a1,
        org_path=county.village_a1.path,
        kind="lecture",
        state="cancelled",
        held_on=today.replace(day=1),
        topic="取消的党课",
    )
    response = client_for("secretary").get(f"/orglife/calendar/?month={today:%Y-%m}")
    body = html(response)
    assert f"/orglife/{planned.pk}/" in body and f"/orglife/{done.pk}/" in body
    assert f"/orglife/{cancelled.pk}/" not in body
    days_with = {day.day: [m.pk for m in day.meetings] for week in response.context["weeks"] for day in week}
    assert days_with[today.replace(day=28)] == [planned.pk]
    assert days_with[today.replace(day=1)] == [done.pk]


def test_the_calendar_moves_between_months(client_for, personas):
    response = client_for("secretary").get("/orglife/calendar/?month=2026-01")
    assert response.context["previous_url"] == "?month=2025-12"
    assert response.context["next_url"] == "?month=2026-02"
    assert client_for("secretary").get("/orglife/calendar/?month=junk").status_code == 200


# --- recording ---------------------------------------------------------------------------------------------


def test_recording_starts_with_organization_and_kind(client_for, county):
    response = client_for("secretary").get("/orglife/new/")
    choices = [pk for pk, _label in response.context["form"].fields["org"].choices]
    assert choices == [county.village_a1.pk, county.group_a1.pk]


def test_the_form_fits_the_kind(client_for, county):
    client = client_for("secretary")
    base = f"/orglife/new/?org={county.village_a1.pk}&state=held&kind="
    fields = {
        kind: set(client.get(base + kind).context["form"].fields)
        for kind in ("assembly", "themed_day", "lecture", "life_meeting", "talk", "training")
    }
    assert "themed_items" in fields["themed_day"] and "themed_items" not in fields["assembly"]
    assert {"lecturer", "hours"} <= fields["lecture"] and "hours" not in fields["assembly"]
    assert "held_as" in fields["life_meeting"] and "held_as" not in fields["lecture"]
    assert "participants" in fields["talk"]
    assert "ends_on" in fields["training"] and "ends_on" not in fields["lecture"]


def test_a_wrong_kind_for_the_organization_is_explained(client_for, county):
    response = client_for("secretary").get(f"/orglife/new/?org={county.group_a1.pk}&state=held&kind=assembly")
    assert response.status_code == 422
    assert "党小组" in html(response)


def test_an_organization_outside_the_scope_cannot_be_chosen(client_for, county):
    response = client_for("secretary").get(
        f"/orglife/new/?org={county.village_b1.pk}&state=held&kind=assembly"
    )
    assert response.status_code == 422


def test_recording_a_held_meeting_then_its_attendance(client_for, county):
    client = client_for("secretary")
    url = f"/orglife/new/?org={county.village_a1.pk}&state=held&kind=assembly"
    response = client.post(url, {"topic": "党员大会", "held_on": f"{days(-1):%Y-%m-%d}", "place": "村部"})
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/orglife/{meeting.pk}/?tab=attendance"
    people = members_of(county.village_a1)
    form = {f"a_{m.pk}": "present" for m in people[:5]} | {
        f"a_{people[5].pk}": "leave",
        f"n_{people[5].pk}": "外出",
    }
    response = client.post(f"/orglife/{meeting.pk}/attendance/", form)
    assert response.status_code == 302 and response["Location"].endswith("?tab=votes")
    assert meeting.attendees.filter(attendance="present").count() == 5
    assert meeting.attendees.get(member=people[5]).note == "外出"


def test_everyone_present_in_one_click(client_for, county, meeting_a1):
    client_for("secretary").post(f"/orglife/{meeting_a1.pk}/attendance/", {"all": "present"})
    assert meeting_a1.attendees.filter(attendance="present").count() == len(members_of(county.village_a1))


def test_an_invalid_form_stays_on_the_page_with_the_messages(client_for, county):
    url = f"/orglife/new/?org={county.village_a1.pk}&state=held&kind=assembly"
    response = client_for("secretary").post(url, {"topic": "", "held_on": f"{days(5):%Y-%m-%d}"})
    assert response.status_code == 422
    body = html(response)
    assert "请填写会议主题" in body
    assert Meeting.objects.count() == 0


def test_a_service_refusal_lands_on_its_field(client_for, county):
    url = f"/orglife/new/?org={county.village_a1.pk}&state=held&kind=assembly"
    response = client_for("secretary").post(url, {"topic": "会", "held_on": f"{days(5):%Y-%m-%d}"})
    assert response.status_code == 422
    assert response.context["form"].errors["held_on"]


def test_planning_a_themed_day_with_its_checklist(client_for, county):
    url = f"/orglife/new/?org={county.village_a1.pk}&state=planned&kind=themed_day"
    response = client_for("secretary").post(
        url,
        {
            "topic": "七一主题党日",
            "held_on": f"{days(10):%Y-%m-%d}",
            "themed_items": ["study", "service"],
            "themed_extra": "植树",
        },
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert (meeting.state, meeting.themed_items, meeting.themed_extra) == (
        "planned",
        ["study", "service"],
        "植树",
    )


def test_recording_a_talk_with_its_participants(client_for, county):
    one, two = members_of(county.village_a1)[:2]
    url = f"/orglife/new/?org={county.village_a1.pk}&state=held&kind=talk"
    client = client_for("secretary")
    refused = client.post(
        url, {"topic": "谈心谈话", "held_on": f"{days(-1):%Y-%m-%d}", "participants": [one.pk]}
    )
    assert refused.status_code == 422 and refused.context["form"].errors["participants"]
    response = client.post(
        url, {"topic": "谈心谈话", "held_on": f"{days(-1):%Y-%m-%d}", "participants": [one.pk, two.pk]}
    )
    assert response.status_code == 302
    assert Meeting.objects.get().attendees.count() == 2


def test_holding_and_cancelling_a_plan_through_the_pages(client_for, county, personas):
    from dangjian.orglife import services

    plans = [
        services.meeting_create(
            actor=personas.secretary,
            org=county.village_a1,
            kind="assembly",
            held_on=days(0),
            topic=t,
            state="planned",
        )
        for t in ("一", "二")
    ]
    client = client_for("secretary")
    page = html(client.get(f"/orglife/{plans[0].pk}/"))
    assert "登记召开" in page and "取消会议" in page
    response = client.post(
        f"/orglife/{plans[0].pk}/hold/", {"held_on": f"{days(0):%Y-%m-%d}", "minutes": "记录"}
    )
    assert response.status_code == 302
    plans[0].refresh_from_db()
    assert plans[0].state == "held"
    assert "取消会议" not in html(client.get(f"/orglife/{plans[0].pk}/"))
    refused = client.post(f"/orglife/{plans[1].pk}/cancel/", {"reason": ""})
    assert refused.status_code == 422
    client.post(f"/orglife/{plans[1].pk}/cancel/", {"reason": "改期"})
    plans[1].refresh_from_db()
    assert plans[1].state == "cancelled"
    page = html(client.get(f"/orglife/{plans[1].pk}/"))
    assert "会议已取消：改期" in page and "修改记录" not in page


def test_editing_a_record(client_for, meeting_a1):
    response = client_for("secretary").post(
        f"/orglife/{meeting_a1.pk}/edit/",
        {
            "topic": "第一季度党员大会（补记）",
            "held_on": f"{meeting_a1.held_on:%Y-%m-%d}",
            "minutes": "新记录",
        },
    )
    assert response.status_code == 302
    meeting_a1.refresh_from_db()
    assert (meeting_a1.topic, meeting_a1.minutes) == ("第一季度党员大会（补记）", "新记录")


# --- votes, grades, files through the tabs ---------------------------------------------------------------


def test_the_vote_tab_shows_the_figures_before_and_every_reason_after(client_for, meeting_a1):
    client = client_for("secretary")
    before = client.get(f"/orglife/{meeting_a1.pk}/?tab=votes")
    figures = before.context["figures"]
    assert (figures.eligible, figures.present) == (9, 6)
    response = client.post(
        f"/orglife/{meeting_a1.pk}/votes/", {"motion": "接收张三为预备党员", "yes": 5, "no": 1}
    )
    assert response.status_code == 302
    vote = Vote.objects.get()
    page = html(client.get(f"/orglife/{meeting_a1.pk}/?tab=votes"))
    assert "接收张三为预备党员" in page and "通过" in page
    for line in vote.reasons:
        assert line in page


def test_impossible_vote_figures_come_back_to_the_form(client_for, meeting_a1):
    response = client_for("secretary").post(
        f"/orglife/{meeting_a1.pk}/votes/", {"motion": "事项", "yes": 6, "no": 1}
    )
    assert response.status_code == 422
    assert response.context["vote_form"].errors["yes"]
    assert Vote.objects.count() == 0


def test_an_inquorate_vote_is_shown_as_such(client_for, county, personas):
    committee = seat_committee(county.village_a1, size=4)
    meeting = held(personas.secretary, county.village_a1, "committee", attendees=everyone(committee[:2]))
    client = client_for("secretary")
    client.post(f"/orglife/{meeting.pk}/votes/", {"motion": "确定积极分子", "yes": 2})
    page = html(client.get(f"/orglife/{meeting.pk}/?tab=votes"))
    assert "不足法定人数" in page
    assert "到会委员未过半" in html(client.get(f"/orglife/{meeting.pk}/"))


def test_grades_through_the_page(client_for, county, personas):
    meeting = held(personas.secretary, county.village_a1, "appraisal")
    people = members_of(county.village_a1)[:6]
    client = client_for("secretary")
    too_many = {f"g_{m.pk}": "excellent" for m in people[:3]} | {f"g_{m.pk}": "qualified" for m in people[3:]}
    refused = client.post(f"/orglife/{meeting.pk}/grades/", too_many)
    assert refused.status_code == 422 and "三分之一" in html(refused)
    fine = {f"g_{m.pk}": "excellent" for m in people[:2]} | {f"g_{m.pk}": "qualified" for m in people[2:]}
    assert client.post(f"/orglife/{meeting.pk}/grades/", fine).status_code == 302
    assert meeting.grades.count() == 6
    assert "优秀 2" in html(client.get(f"/orglife/{meeting.pk}/?tab=grades"))


def test_files_upload_show_as_thumbnails_and_are_served_scoped(client_for, meeting_a1, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = client_for("secretary")
    response = client.post(f"/orglife/{meeting_a1.pk}/files/", {"file": SimpleUploadedFile("合影.png", PNG)})
    assert response.status_code == 302
    stored = MeetingFile.objects.get()
    page = html(client.get(f"/orglife/{meeting_a1.pk}/?tab=files"))
    assert f'src="/orglife/{meeting_a1.pk}/files/{stored.pk}/?inline=1"' in page
    inline = client.get(f"/orglife/{meeting_a1.pk}/files/{stored.pk}/?inline=1")
    assert inline.status_code == 200 and inline["Content-Type"] == "image/png"
    assert b"".join(inline.streaming_content) == PNG
    assert client_for("secretary_b").get(f"/orglife/{meeting_a1.pk}/files/{stored.pk}/").status_code == 404
    wrong = client.post(f"/orglife/{meeting_a1.pk}/files/", {"file": SimpleUploadedFile("x.exe", b"MZ" * 9)})
    assert wrong.status_code == 422 and "只能上传" in html(wrong)
    assert MeetingFile.objects.count() == 1
    client.post(f"/orglife/{meeting_a1.pk}/files/{stored.pk}/delete/")
    assert MeetingFile.objects.count() == 0


def test_the_history_tab_lists_every_write(client_for, meeting_a1):
    client = client_for("secretary")
    client.post(f"/orglife/{meeting_a1.pk}/votes/", {"motion": "推荐优秀党员", "yes": 5})
    page = html(client.get(f"/orglife/{meeting_a1.pk}/?tab=history"))
    assert "登记党员大会“第一季度党员大会”" in page
    assert "表决“推荐优秀党员”" in page


def test_the_word_record_and_the_print_page(client_for, meeting_a1):
    client = client_for("officer")
    response = client.get(f"/orglife/{meeting_a1.pk}/record.docx")
    assert "attachment" in response["Content-Disposition"]
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "党员大会会议记录" in text and "学习党章" in text
    page = html(client.get(f"/orglife/{meeting_a1.pk}/print/"))
    assert "党员大会会议记录" in page and "orglife.css" in page


def test_the_themed_day_page_names_the_missing_items(client_for, county, personas):
    meeting = held(
        personas.secretary, county.village_a1, "themed_day", themed_items=["study", "life", "service"]
    )
    page = html(client_for("secretary").get(f"/orglife/{meeting.pk}/"))
    assert "未开展：开展民主议事" in page


def test_the_detail_page_renders_for_every_kind(client_for, county, personas):
    seat_committee(county.village_a1)
    for kind, extra in (
        ("assembly", {}),
        ("committee", {}),
        ("lecture", {"hours": 2}),
        ("themed_day", {}),
        ("life_meeting", {"held_as": "committee"}),
        ("appraisal", {}),
        ("training", {"hours": 8, "ends_on": days(-1)}),
    ):
        meeting = held(personas.secretary, county.village_a1, kind, **extra)
        for tab in ("info", "attendance", "votes", "grades", "files", "history"):
            assert client_for("secretary").get(f"/orglife/{meeting.pk}/?tab={tab}").status_code == 200
    group_meeting = held(personas.secretary, county.group_a1, "group")
    assert client_for("officer").get(f"/orglife/{group_meeting.pk}/").status_code == 200


def test_an_organization_beyond_the_picker_limit_can_still_be_chosen_by_link(client_for, county, monkeypatch):
    from dangjian.orglife import views

    monkeypatch.setattr(views, "ORG_CHOICES_LIMIT", 1)
    url = f"/orglife/new/?org={county.village_b1.pk}&state=held&kind=assembly"
    response = client_for("admin").get(url)
    assert response.status_code == 200 and response.context["org"] == county.village_b1
    assert client_for("secretary").get(url).status_code == 422  # not theirs: still refused


def test_the_calendar_links_to_the_rest_of_a_busy_day(client_for, county, personas):
    day = days(-1)
    for index in range(6):
        held(personas.secretary, county.village_a1, held_on=day, topic=f"会{index}")
    page = html(client_for("secretary").get(f"/orglife/calendar/?month={day:%Y-%m}"))
    assert "另有 2 次" in page
    assert f"date_from={day:%Y-%m-%d}&amp;date_to={day:%Y-%m-%d}" in page
