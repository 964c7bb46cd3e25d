"""The due list (`selectors.due_within`): who is due for what, what is overdue, within the user's scope."""

import datetime as dt

import pytest

from dangjian.recruitment import rules, selectors

pytestmark = pytest.mark.django_db
D = dt.date
FIRST_OF_FEBRUARY = D(2024, 2, 1)


def due(personas, who="admin", today=FIRST_OF_FEBRUARY, **kwargs):
    return selectors.due_within(user=getattr(personas, who), today=today, **kwargs)


def test_each_stage_shows_its_next_deadline(flow, personas, county):
    applicant = flow.new_case(person_name="申请人")
    activist = flow.to(flow.new_case(person_name="积极分子"), 6)
    approval = flow.to(flow.new_case(person_name="待审批"), 16)
    probationer = flow.to(flow.new_case(person_name="预备党员"), 21)
    today = D(2026, 5, 1)
    flow.at(today)
    items = {(i.person_name, i.code): i for i in due(personas, today=today, days=30)}
    assert set(items) == {
        ("申请人", rules.TALK),
        ("积极分子", rules.ACTIVIST_REVIEW),
        ("待审批", rules.APPROVAL),
        ("预备党员", rules.CONVERSION),
    }
    assert items[("申请人", rules.TALK)].overdue and items[("申请人", rules.TALK)].due.due_on == D(2024, 2, 8)
    assert items[("待审批", rules.APPROVAL)].lapsed  # 20 May 2025 + 6 months has passed
    conversion = items[("预备党员", rules.CONVERSION)]
    assert (conversion.overdue, conversion.days_left, conversion.due.due_on) == (False, 19, D(2026, 5, 20))
    assert conversion.case_id == probationer.pk and conversion.org_id == county.village_a1.pk
    assert {applicant.pk, activist.pk, approval.pk} <= {i.case_id for i in items.values()}


def test_overdue_comes_first_then_by_date(flow, personas):
    flow.new_case(person_name="早", applied_on=D(2024, 1, 8))
    flow.new_case(person_name="晚", applied_on=D(2024, 1, 20))
    flow.at(D(2024, 2, 10))
    names = [i.person_name for i in due(personas, today=D(2024, 2, 10))]
    assert names == ["早", "晚"]
    assert [i.overdue for i in due(personas, today=D(2024, 2, 10))] == [True, False]


@pytest.mark.parametrize(("days", "shown"), [(6, False), (7, True)])
def test_the_window_is_days_ahead(flow, personas, days, shown):
    flow.new_case(applied_on=D(2024, 1, 8))  # talk due 8 February
    assert bool(due(personas, today=D(2024, 2, 1), days=days)) is shown


def test_overdue_only(flow, personas):
    flow.new_case(person_name="逾期", applied_on=D(2024, 1, 8))
    flow.new_case(person_name="未到期", applied_on=D(2024, 1, 20))
    flow.at(D(2024, 2, 9))
    assert [i.person_name for i in due(personas, today=D(2024, 2, 9), overdue_only=True)] == ["逾期"]


def test_a_running_notice_is_listed_and_never_overdue(flow, personas):
    case = flow.to(flow.new_case(), 13)
    items = due(personas, today=D(2025, 5, 14))
    assert [(i.code, i.overdue) for i in items] == [(rules.NOTICE_RUNNING, False)]
    assert items[0].case_id == case.pk and items[0].due.due_on == D(2025, 5, 16)


def test_the_due_list_is_scoped(flow, personas, county):
    flow.new_case(person_name="甲村")
    flow.new_case(person_name="丙村", org=county.village_b1, birth=D(1997, 1, 1))

    def names(who, **kwargs):
        return sorted(i.person_name for i in due(personas, who, **kwargs))

    assert names("admin") == ["丙村", "甲村"]
    assert names("officer") == ["甲村"]
    assert names("secretary") == ["甲村"]
    assert names("secretary_b") == ["丙村"]
    assert names("member") == [] and names("reviewer") == []
    assert names("admin", within=county.town_b) == ["丙村"]


def test_closed_cases_are_not_due(flow, personas):
    from dangjian.recruitment import services

    case = flow.new_case()
    services.case_withdraw(actor=personas.secretary, case=case, date=D(2024, 1, 8), reason="撤回")
    assert due(personas) == []


def test_counts_per_stage_and_year(flow, personas, county):
    flow.to(flow.new_case(person_name="甲"), 17)
    flow.new_case(person_name="乙", applied_on=D(2025, 2, 1), org=county.village_a2, birth=D(1996, 6, 6))
    rows = {r["org_name"]: r for r in selectors.development_counts(user=personas.admin, year=2025)}
    assert rows["甲村党支部"]["candidates"] == 1 and rows["甲村党支部"]["admitted"] == 1
    assert rows["甲村党支部"]["applied"] == 0 and rows["甲村党支部"]["now"]["probationary"] == 1
    assert rows["乙村党支部"]["applied"] == 1 and rows["乙村党支部"]["now"]["applicant"] == 1
    assert selectors.development_counts(user=personas.secretary_b, year=2025) == []
