"""Yearly development plans: made by a committee for the branches below it, audited, one per year."""

import pytest
from django.core.exceptions import PermissionDenied

from dangjian.core.errors import TransitionNotAllowed, ValidationFailed
from dangjian.core.models import AuditEntry
from dangjian.recruitment import selectors, services
from dangjian.recruitment.models import DevelopmentPlan

from ..factories import make_org

pytestmark = pytest.mark.django_db


def test_a_township_committee_plans_for_its_branches(personas, county):
    plan = services.plan_create(
        actor=personas.officer,
        org=county.town_a,
        year=2025,
        lines=[(county.village_a1, 3), (county.village_a2, 0)],
        note="  全年计划  ",
    )
    assert (plan.org_path, plan.note, plan.total) == (county.town_a.path, "全年计划", 3)
    entry = AuditEntry.objects.latest("id")
    assert entry.action == "create" and entry.after["lines"] == {
        str(county.village_a1.pk): 3,
        str(county.village_a2.pk): 0,
    }
    assert [line["org_name"] for line in selectors.plan_progress(plan)] == ["甲村党支部", "乙村党支部"]


@pytest.mark.parametrize("actor", ["secretary", "secretary_b", "member", "reviewer"])
def test_only_committees_make_plans(personas, county, actor):
    with pytest.raises(PermissionDenied):
        services.plan_create(actor=getattr(personas, actor), org=county.town_a, year=2025, lines=[])
    assert not DevelopmentPlan.objects.exists()


@pytest.mark.parametrize(
    ("org", "year", "lines", "field"),
    [
        ("village_a1", 2025, [], "org_id"),  # a branch does not plan
        ("town_a", 1999, [], "year"),
        ("town_a", 2025, [("village_b1", 1)], "lines.0.org_id"),  # another township's branch
        ("town_a", 2025, [("town_a", 1)], "lines.0.org_id"),  # not a branch
        ("town_a", 2025, [("village_a1", 1), ("village_a1", 2)], "lines.1.org_id"),
        ("town_a", 2025, [("village_a1", -1)], "lines.0.quota"),
        ("town_a", 2025, [("village_a1", 1000)], "lines.0.quota"),
    ],
)
def test_bad_plans_are_422(personas, county, org, year, lines, field):
    with pytest.raises(ValidationFailed) as caught:
        services.plan_create(
            actor=personas.admin,
            org=getattr(county, org),
            year=year,
            lines=[(getattr(county, branch), quota) for branch, quota in lines],
        )
    assert any(e["field"] == field for e in caught.value.errors), caught.value.errors
    assert not DevelopmentPlan.objects.exists()


def test_one_plan_per_committee_and_year_and_updates_replace_the_lines(personas, county):
    plan = services.plan_create(
        actor=personas.officer, org=county.town_a, year=2025, lines=[(county.village_a1, 1)]
    )
    with pytest.raises(TransitionNotAllowed):
        services.plan_create(actor=personas.admin, org=county.town_a, year=2025, lines=[])
    plan = services.plan_update(actor=personas.officer, plan=plan, lines=[(county.village_a2, 4)])
    assert [(line.org, line.quota) for line in plan.lines.all()] == [(county.village_a2, 4)]
    assert AuditEntry.objects.filter(action="update", object_id=str(plan.pk)).count() == 1
    with pytest.raises(PermissionDenied):
        services.plan_update(actor=personas.secretary, plan=plan, lines=[])


def test_a_dissolved_branch_takes_no_quota(personas, county):
    import datetime as dt

    gone = make_org(
        name="旧村党支部",
        kind="branch",
        domain="rural",
        parent=county.town_a,
        dissolved_on=dt.date(2024, 1, 1),
    )
    with pytest.raises(ValidationFailed):
        services.plan_create(actor=personas.officer, org=county.town_a, year=2025, lines=[(gone, 1)])


def test_plans_are_scoped(personas, county):
    services.plan_create(actor=personas.officer, org=county.town_a, year=2025, lines=[])
    services.plan_create(actor=personas.admin, org=county.town_b, year=2025, lines=[])
    assert selectors.plans_within(user=personas.admin).count() == 2
    assert [p.org for p in selectors.plans_within(user=personas.officer)] == [county.town_a]
    assert selectors.plans_within(user=personas.secretary).count() == 0
