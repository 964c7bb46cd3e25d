"""Recording steps through the pages: each form goes through `services.step_record`; a good step moves the case,
a refused one shows the rule and its article at the top of the form and changes nothing.

Dates follow the standard timetable of tests/recruitment/_flow.py (the clock is moved with time-machine).
"""

import datetime as dt

import pytest
from django.urls import reverse

from dangjian.core.models import AuditEntry
from dangjian.orglife.models import Vote
from dangjian.recruitment.models import CaseStep, DevelopmentCase

from ._flow import TIMETABLE

pytestmark = pytest.mark.django_db
D = dt.date


def step_url(case, step):
    return reverse("recruitment:step_record", args=[case.pk, step])


def snapshot(case):
    fresh = DevelopmentCase.objects.get(pk=case.pk)
    return (fresh.stage, CaseStep.objects.filter(case=case).count(), AuditEntry.objects.count())


def test_a_talk_recorded_on_the_page_becomes_step_two(client_for, flow):
    case = flow.new_case()
    flow.at(TIMETABLE[2])
    client = client_for("secretary")
    form = client.get(step_url(case, 2))
    assert form.status_code == 200
    page = form.content.decode()
    assert "第2步：党组织派人谈话" in page and "细则 第7条" in page and "2024-02-08 前" in page
    response = client.post(
        step_url(case, 2), {"date": "2024-01-20", "talker_name": "王书记", "notes": "谈了"}
    )
    assert response.status_code == 302
    assert response["Location"].endswith(reverse("recruitment:case_detail", args=[case.pk]) + "?tab=steps")
    record = case.steps.get(step=2)
    assert (record.date, record.notes, [p.name for p in record.people.all()]) == (
        TIMETABLE[2],
        "谈了",
        ["王书记"],
    )
    followed = client.get(response["Location"]).content.decode()
    assert "已登记第2步“党组织派人谈话”" in followed


def test_the_activist_decision_moves_the_case_to_activist(client_for, flow):
    case = flow.to(flow.new_case(), 2)
    flow.at(TIMETABLE[3])
    client = client_for("secretary")
    page = client.get(step_url(case, 3)).content.decode()
    assert 'value="assembly"' in page and "checked" in page  # 甲村 has no 支委会: its 支部大会 decides
    response = client.post(
        step_url(case, 3), {"date": "2024-03-01", "body": "assembly", "recommended_by": "团组织推优"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.stage, case.activist_on) == ("activist", TIMETABLE[3])


def test_bad_input_comes_back_next_to_its_field_and_changes_nothing(client_for, flow):
    case = flow.new_case()
    flow.at(TIMETABLE[2])
    client = client_for("secretary")
    before = snapshot(case)
    response = client.post(step_url(case, 2), {"date": "2024-01-20", "talker_name": ""})
    assert response.status_code == 422
    assert "请填写谈话人" in response.content.decode()
    response = client.post(step_url(case, 2), {"date": "2024-13-40", "talker_name": "王"})
    assert response.status_code == 422 and "日期格式应为" in response.content.decode()
    response = client.post(step_url(case, 2), {"date": "2024-01-21", "talker_name": "王"})  # tomorrow
    assert response.status_code == 422 and "不能晚于今天" in response.content.decode()
    assert snapshot(case) == before


def test_a_refused_step_shows_the_rule_and_its_article_and_changes_nothing(client_for, flow):
    """细则 第13条: a year as an activist before becoming a candidate."""
    case = flow.to(flow.new_case(), 6)
    flow.at(D(2025, 2, 28))
    client = client_for("secretary")
    form = client.get(step_url(case, 7)).content.decode()
    assert "按今天的日期，此步骤还不能办理" in form and "细则 第13条" in form
    before = snapshot(case)
    response = client.post(step_url(case, 7), {"date": "2025-02-28", "body": "assembly"})
    assert response.status_code == 409
    page = response.content.decode()
    assert (
        "不能办理：" in page and "细则 第13条" in page and "2025-03-01" in page and "没有作任何改动" in page
    )
    assert snapshot(case) == before


def test_the_stepper_offers_only_what_is_allowed_now_and_says_why_the_rest_waits(client_for, flow):
    case = flow.to(flow.new_case(), 6)
    flow.at(D(2024, 10, 1))
    page = client_for("secretary").get(reverse("recruitment:case_detail", args=[case.pk])).content.decode()
    assert step_url(case, 7) not in page  # a candidate only after a year as an activist
    assert "经过一年以上培养教育和考察后" in page
    assert step_url(case, 6) in page  # the half-yearly review may be recorded again
    assert "再次登记" in page
    assert step_url(case, 8) not in page and step_url(case, 15) not in page


def test_committee_steps_are_offered_to_the_officer_not_to_the_secretary(client_for, flow):
    case = flow.to(flow.new_case(), 12)
    flow.at(TIMETABLE[13])
    detail = reverse("recruitment:case_detail", args=[case.pk])
    assert step_url(case, 13) not in client_for("secretary").get(detail).content.decode()
    assert "待上级党委办理" in client_for("secretary").get(detail).content.decode()
    assert step_url(case, 13) in client_for("officer").get(detail).content.decode()


def test_the_public_notice_shows_its_last_working_day_before_and_after(client_for, flow, county):
    case = flow.to(flow.new_case(), 12)
    flow.at(TIMETABLE[13])
    client = client_for("officer")
    preview = client.get(
        reverse("recruitment:step_preview", args=[case.pk, 13]) + "?notice_starts_on=2025-05-12",
        HTTP_HX_REQUEST="true",
    )
    assert preview.status_code == 200
    assert "公示期 2025-05-12 至 2025-05-16（5 个工作日）" in preview.content.decode()
    form = client.get(step_url(case, 13)).content.decode()
    assert f'value="{county.town_a.pk}"' in form  # the township committee may pre-review (rural branch)
    assert f'<option value="{county.root.pk}"' not in form  # the county committee may not approve rural cases
    response = client.post(
        step_url(case, 13),
        {"date": "2025-05-12", "decided_by": county.town_a.pk, "notice_starts_on": "2025-05-12"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.notice_starts_on, case.notice_ends_on) == (D(2025, 5, 12), D(2025, 5, 16))
    listing = client.get(reverse("recruitment:case_list")).content.decode()
    assert "正在公示的发展对象 1 名" in listing
    notices = client.get(reverse("recruitment:notice_list")).content.decode()
    assert case.person_name in notices and "公示中" in notices


def test_the_admission_vote_shows_the_figures_first_then_records_the_outcome(client_for, flow):
    case = flow.to(flow.new_case(), 14)
    meeting = flow.assembly(TIMETABLE[15], present=7)  # 9 full members of 甲村 have a vote; 7 present
    client = client_for("secretary")
    form = client.get(step_url(case, 15)).content.decode()
    assert f'<option value="{meeting.pk}"' in form
    preview = client.get(
        reverse("recruitment:step_preview", args=[case.pk, 15]) + f"?meeting={meeting.pk}&excluded=0",
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "有表决权的正式党员" in preview and ">9<" in preview and ">7<" in preview
    assert "达到法定人数" in preview and "至少 5 票" in preview
    response = client.post(step_url(case, 15), {"meeting": meeting.pk, "yes": 6, "no": 1, "abstain": 0})
    assert response.status_code == 302
    record = case.steps.get(step=15)
    assert (record.date, record.vote.yes, record.vote.should_attend, record.vote.present) == (
        TIMETABLE[15],
        6,
        9,
        7,
    )
    followed = client.get(response["Location"]).content.decode()
    assert "表决通过" in followed and "应到 9 人，实到 7 人" in followed


def test_a_vote_that_does_not_carry_is_refused_with_its_reasons_and_leaves_no_vote(client_for, flow):
    """细则 第21条: yes must be more than half of those who should attend (9): 4 is not enough."""
    case = flow.to(flow.new_case(), 14)
    meeting = flow.assembly(TIMETABLE[15], present=7)
    client = client_for("secretary")
    votes, before = Vote.objects.count(), snapshot(case)
    response = client.post(step_url(case, 15), {"meeting": meeting.pk, "yes": 4, "no": 3})
    assert response.status_code == 409
    page = response.content.decode()
    assert "支部大会表决未通过" in page and "细则 第21条" in page and "未通过" in page
    assert Vote.objects.count() == votes and snapshot(case) == before


def test_impossible_vote_figures_are_422_next_to_the_field(client_for, flow):
    case = flow.to(flow.new_case(), 14)
    meeting = flow.assembly(TIMETABLE[15], present=7)
    client = client_for("secretary")
    before = snapshot(case)
    response = client.post(step_url(case, 15), {"meeting": meeting.pk, "yes": 8, "no": 1})
    assert response.status_code == 422
    assert "不能超过实到会有表决权的人数" in response.content.decode()
    response = client.post(step_url(case, 15), {"yes": 8})
    assert response.status_code == 422 and "请选择支部大会（党员大会）" in response.content.decode()
    assert snapshot(case) == before


def test_the_approval_page_shows_the_probation_and_the_approval_creates_the_member(client_for, flow, county):
    case = flow.to(flow.new_case(), 16)
    flow.at(TIMETABLE[17])
    client = client_for("officer")
    form = client.get(step_url(case, 17)).content.decode()
    assert "2025-05-20 起至 2026-05-20 止" in form and "2025-08-20 前（3 个月）" in form
    response = client.post(
        step_url(case, 17),
        {"date": "2025-06-15", "decided_by": county.town_a.pk, "decision_ref": "甲委〔2025〕8号"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.stage == "probationary" and case.member is not None
    followed = client.get(response["Location"]).content.decode()
    assert "预备期 2025-05-20 至 2026-05-20" in followed and "党员档案已建立" in followed


def test_an_extension_beyond_a_year_is_refused_with_the_party_constitution(client_for, flow):
    case = flow.to(flow.new_case(), 22)
    meeting = flow.assembly(TIMETABLE[23])
    client = client_for("secretary")
    before = snapshot(case)
    response = client.post(
        step_url(case, 23), {"meeting": meeting.pk, "outcome": "extend", "extension_months": 13, "yes": 9}
    )
    assert response.status_code == 409
    assert "党章 第7条" in response.content.decode()
    assert snapshot(case) == before
    response = client.post(
        step_url(case, 23), {"meeting": meeting.pk, "outcome": "extend", "extension_months": 6, "yes": 9}
    )
    assert response.status_code == 302
    assert case.steps.get(step=23).outcome == "extend"


def test_mentors_are_chosen_among_the_branchs_full_members(client_for, flow, county):
    case = flow.to(flow.new_case(), 4)
    flow.at(TIMETABLE[5])
    client = client_for("secretary")
    page = client.get(step_url(case, 5)).content.decode()
    full = flow.voters()
    assert all(f'value="{m.pk}"' in page for m in full)
    probationary = county.village_a1.members.filter(category="probationary").first()
    assert f'value="{probationary.pk}"' not in page
    three = client.post(step_url(case, 5), {"date": "2024-03-05", "mentors": [m.pk for m in full[:3]]})
    assert three.status_code == 409 and "1 至 2 名" in three.content.decode()
    response = client.post(step_url(case, 5), {"date": "2024-03-05", "mentors": [m.pk for m in full[:2]]})
    assert response.status_code == 302
    assert sorted(p.member_id for p in case.steps.get(step=5).people.all()) == sorted(m.pk for m in full[:2])


def test_unknown_steps_are_404(client_for, flow):
    case = flow.new_case()
    client = client_for("secretary")
    assert client.get(step_url(case, 1)).status_code == 404
    assert client.get(reverse("recruitment:step_record", args=[case.pk, 26])).status_code == 404
    assert client.get(reverse("recruitment:step_preview", args=[case.pk, 2])).status_code == 404


def form_data(flow, county, case, step: int, on: dt.date) -> dict:
    """What a user types into the form of each step, on the standard timetable."""
    voters = flow.voters()
    data: dict = {"date": on.isoformat()}
    if step == 2:
        data["talker_name"] = "王书记"
    elif step in (3, 7, 12):
        data["body"] = "assembly"  # 甲村 has no 支委会
    elif step in (4, 8, 11, 13, 16, 17, 24):
        data["decided_by"] = county.town_a.pk
    if step == 5:
        data["mentors"] = [m.pk for m in voters[:2]]
    elif step == 9:
        data["sponsors"] = [m.pk for m in voters[:2]]
    elif step in (6, 21):
        data["notes"] = "表现良好"
    elif step == 10:
        data.update(conclusion="政治审查合格", passed="yes")
    elif step == 11:
        data["days"] = "3"
    elif step == 13:
        data["notice_starts_on"] = on.isoformat()
    elif step in (15, 23):
        meeting = flow.assembly(on)
        data = {"meeting": meeting.pk, "yes": len(flow.voters())}
        if step == 23:
            data["outcome"] = "confirm"
    elif step == 16:
        data.update(submitted_on="2025-05-23", interviewer_name="组织员李明")
    elif step == 19:
        data["party_group"] = county.group_a1.pk
    return data


def test_a_case_goes_the_whole_way_through_the_step_forms(client_for, flow, county):
    """GIVEN an application WHEN every step 2–25 is entered through its form, by the secretary or, for the
    committee's steps, the officer THEN the case is archived and the person is a full member."""
    case = flow.new_case(person_name="全流程")
    for step in range(2, 26):
        on = TIMETABLE[step]
        flow.at(on)
        data = form_data(flow, county, case, step, on)
        client = client_for("officer" if step in (13, 16, 17, 18, 24) else "secretary")
        assert client.get(step_url(case, step)).status_code == 200, step
        response = client.post(step_url(case, step), data)
        assert response.status_code == 302, (step, response.content.decode()[-3000:])
        assert case.steps.filter(step=step, current=True).exists(), step
    case.refresh_from_db()
    assert (case.stage, case.converted_on) == ("full", D(2026, 5, 20))
    assert case.member.category == "full" and case.member.party_group == county.group_a1
    assert [p.name for p in case.steps.get(step=9).people.all()] == [m.name for m in flow.voters()[:2]]
