"""Automatic metrics computed from recorded data, each at its edge: declared site area, committee set-up,
党小组 leaders, 组织生活会 and 民主评议 held, monthly 主题党日, study hours, compliance, satisfaction."""

import datetime as dt
from decimal import Decimal

import pytest

from dangjian.members.models import Member
from dangjian.orglife.models import Meeting, MeetingAttendee
from dangjian.orgs.models import LeadershipPosition
from dangjian.sites import metrics
from dangjian.sites.models import SurveyResponse

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 4, 15)


def context(org, threshold=None, application=None, today=TODAY, **extra):
    return metrics.MetricContext(
        org=org,
        year=2026,
        today=today,
        threshold=None if threshold is None else Decimal(str(threshold)),
        application=application,
        **extra,
    )


def meeting(org, kind, held_on, state="held", hours=0, ends_on=None):
    return Meeting.objects.create(
        org=org,
        org_path=org.path,
        kind=kind,
        state=state,
        held_on=held_on,
        topic=kind,
        hours=hours,
        ends_on=ends_on,
    )


def appoint(org, post, member=None, name="干部"):
    return LeadershipPosition.objects.create(
        org=org,
        post=post,
        member=member,
        person_name=member.name if member else name,
        started_on=dt.date(2024, 1, 1),
    )


def test_every_metric_named_in_the_catalogues_is_registered():
    assert set(metrics.METRICS) >= {
        "orglife_compliance",
        "committee_setup",
        "group_leaders",
        "life_meeting_held",
        "appraisal_held",
        "themed_day_rate",
        "study_hours_met",
        "site_area",
        "satisfaction_rate",
    }
    assert metrics.METRICS["satisfaction_rate"].from_survey and not metrics.METRICS["site_area"].from_survey


@pytest.mark.parametrize(
    ("area", "met"), [(Decimal("119.9"), False), (Decimal("120"), True), (Decimal("120.1"), True)]
)
def test_site_area_of_120_square_metres(county, area, met):
    application = type("A", (), {"site_area": area})()
    result = metrics.compute("site_area", context(county.village_a1, 120, application))
    assert result.met is met and result.value == area
    assert "120 ㎡" in result.explanation


def test_site_area_not_declared_is_not_met(county):
    result = metrics.compute(
        "site_area", context(county.village_a1, 120, type("A", (), {"site_area": None})())
    )
    assert result.met is False and result.value is None and "未填写" in result.explanation


def test_committee_setup_follows_the_structure_check(county):
    # 9 full members and no team: a committee of 3–5 is required.
    result = metrics.compute("committee_setup", context(county.village_a1))
    assert result.met is False and "支部委员会" in result.explanation
    members = list(Member.objects.filter(org=county.village_a1).order_by("id")[:3])
    for post, member in zip(("secretary", "organization", "publicity"), members, strict=True):
        appoint(county.village_a1, post, member)
    assert metrics.compute("committee_setup", context(county.village_a1)).met is True


def test_group_leaders(county):
    result = metrics.compute("group_leaders", context(county.village_a1))
    assert result.met is False and "1 个未设组长" in result.explanation
    appoint(county.group_a1, "group_leader", name="组长")
    assert metrics.compute("group_leaders", context(county.village_a1)).met is True


@pytest.mark.parametrize(
    ("key", "kind"), [("life_meeting_held", "life_meeting"), ("appraisal_held", "appraisal")]
)
def test_held_at_least_once_this_year(county, key, kind):
    org = county.village_a1
    meeting(org, kind, dt.date(2025, 12, 20))  # last year
    meeting(org, kind, dt.date(2026, 3, 1), state="planned")
    meeting(org, kind, dt.date(2026, 3, 2), state="cancelled")
    assert metrics.compute(key, context(org, 1)).met is False
    meeting(org, kind, dt.date(2026, 3, 3))
    result = metrics.compute(key, context(org, 1))
    assert result.met is True and result.value == 1


def test_themed_day_in_every_ended_month(county):
    org = county.village_a1
    meeting(org, "themed_day", dt.date(2026, 1, 8))
    meeting(org, "themed_day", dt.date(2026, 2, 8))
    meeting(org, "themed_day", dt.date(2026, 4, 8))  # the running month is not owed yet
    result = metrics.compute("themed_day_rate", context(org, 90))
    assert result.value == Decimal("66.67") and result.met is False
    meeting(org, "themed_day", dt.date(2026, 3, 31))
    result = metrics.compute("themed_day_rate", context(org, 90))
    assert result.value == Decimal("100.00") and result.met is True


def test_themed_day_before_any_month_has_ended(county):
    result = metrics.compute("themed_day_rate", context(county.village_a1, 90, today=dt.date(2026, 1, 20)))
    assert result.value is None and result.met is False


def test_study_hours_32_for_members_and_56_for_cadres(county):
    org = county.village_b1  # 4 full and 1 probationary member
    members = list(Member.objects.filter(org=org).order_by("id"))
    assert len(members) == 5
    lecture = meeting(org, "lecture", dt.date(2026, 3, 1), hours=32)
    training = meeting(
        org, "training", dt.date(2025, 12, 30), hours=24, ends_on=dt.date(2026, 1, 2)
    )  # 4 days
    for member in members[:3]:
        MeetingAttendee.objects.create(meeting=lecture, member=member, attendance="present")
    MeetingAttendee.objects.create(meeting=lecture, member=members[3], attendance="leave")
    MeetingAttendee.objects.create(meeting=training, member=members[0], attendance="present")
    appoint(org, "secretary", members[0])  # a cadre: 32 + 12 (half the training falls in 2026) < 56
    result = metrics.compute("study_hours_met", context(org, 40))
    assert result.value == Decimal("40.00") and result.met is True  # 2 of 5 reach their hours
    assert "党员 5 人，学时达标 2 人" in result.explanation
    assert metrics.compute("study_hours_met", context(org, 41)).met is False
    hours = metrics.study_hours([m.pk for m in members], 2026)
    assert hours[members[0].pk] == Decimal("44") and members[3].pk not in hours


def test_an_organization_without_members_has_no_study_hours_rate(county):
    result = metrics.compute(
        "study_hours_met",
        context(
            county.town_a.__class__.objects.create(
                name="空支部",
                code="EMPTY",
                kind="branch",
                domain="rural",
                parent=county.town_a,
                path=county.town_a.path + "999/",
                depth=2,
            ),
            90,
        ),
    )
    assert result.value is None and result.met is False


def test_orglife_compliance_from_the_compliance_selector(county):
    org = county.village_b1  # no committee: 党员大会 and 党课 quarterly, 主题党日 monthly are owed
    nothing = metrics.compute("orglife_compliance", context(org, 90))
    assert nothing.value == Decimal("0.00") and nothing.met is False
    meeting(org, "assembly", dt.date(2026, 2, 1))
    meeting(org, "lecture", dt.date(2026, 2, 2))
    for month in (1, 2, 3):
        meeting(org, "themed_day", dt.date(2026, month, 10))
    result = metrics.compute("orglife_compliance", context(org, 90))
    assert result.value == Decimal("100.00") and result.met is True
    assert "按期开展率 100%" in result.explanation


def test_satisfaction_rate_uses_the_campaign_threshold(walk):
    application = walk("submitted")
    for satisfied in [True] * 9 + [False]:
        SurveyResponse.objects.create(
            application=application, answers={}, satisfied=satisfied, answered_on=TODAY
        )
    met = metrics.compute(
        "satisfaction_rate", context(application.org, None, application, satisfaction_threshold=90)
    )
    assert met.met is True and met.value == Decimal("90.00")
    strict = metrics.compute(
        "satisfaction_rate", context(application.org, None, application, satisfaction_threshold=91)
    )
    assert strict.met is False


def test_an_unknown_metric_is_never_met(county):
    result = metrics.compute("no_such_metric", context(county.village_a1))
    assert result.met is False and "no_such_metric" in result.explanation
