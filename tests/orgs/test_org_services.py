"""orgs.services: create, rename, move, dissolve, appoint and end — permissions, rules and effects."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from dangjian.core.errors import TransitionNotAllowed, ValidationFailed
from dangjian.members.models import Member
from dangjian.orgs import selectors, services
from dangjian.orgs.models import LeadershipPosition, Organization

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def test_officer_creates_a_branch_under_their_township(personas, county):
    org = services.org_create(
        actor=personas.officer,
        parent=county.town_a,
        name="丁村党支部",
        code="A3",
        kind="branch",
        domain="rural",
    )
    assert org.path == f"{county.town_a.path}{org.pk}/"
    assert org.depth == county.town_a.depth + 1
    assert org in selectors.orgs_within(user=personas.officer, root=county.town_a)


def test_nobody_creates_outside_their_scope(personas, county):
    with pytest.raises(PermissionDenied):
        services.org_create(
            actor=personas.officer, parent=county.town_b, name="X", code="X1", kind="branch", domain="rural"
        )


def test_branch_secretary_may_only_divide_their_branch_into_groups(personas, county):
    services.org_create(
        actor=personas.secretary,
        parent=county.village_a1,
        name="第二党小组",
        code="A1G2",
        kind="group",
        domain="rural",
    )
    with pytest.raises(ValidationFailed, match="党支部下不能设立党支部"):
        services.org_create(
            actor=personas.admin, parent=county.village_a1, name="X", code="X2", kind="branch", domain="rural"
        )
    with pytest.raises(PermissionDenied):
        services.org_create(
            actor=personas.secretary,
            parent=county.village_a1,
            name="X",
            code="X3",
            kind="general_branch",
            domain="rural",
        )


@pytest.mark.parametrize("name", ["member", "reviewer"])
def test_roles_without_tree_access_cannot_write(personas, county, name):
    with pytest.raises(PermissionDenied):
        services.org_create(
            actor=getattr(personas, name),
            parent=county.village_a1,
            name="X",
            code="X4",
            kind="group",
            domain="rural",
        )


def test_duplicate_code_and_blank_name_are_refused_and_nothing_is_written(personas, county):
    count = Organization.objects.count()
    with pytest.raises(ValidationFailed) as duplicate:
        services.org_create(
            actor=personas.admin,
            parent=county.town_a,
            name="新村党支部",
            code="B1",
            kind="branch",
            domain="rural",
        )
    assert duplicate.value.errors == [{"field": "code", "message": "组织编码“B1”已被使用"}]
    with pytest.raises(ValidationFailed, match="请填写组织名称"):
        services.org_create(
            actor=personas.admin, parent=county.town_a, name="  ", code="N1", kind="branch", domain="rural"
        )
    assert Organization.objects.count() == count


def test_nobody_restructures_their_own_organization_except_the_county(personas, county):
    with pytest.raises(PermissionDenied, match="上级党组织决定"):
        services.org_update(actor=personas.secretary, org=county.village_a1, name="改名")
    with pytest.raises(PermissionDenied):
        services.org_dissolve(actor=personas.officer, org=county.town_a, dissolved_on=TODAY(), reason="x")
    services.org_update(actor=personas.admin, org=county.root, name="中共旌德县委员会")
    # ... but a secretary may record their own branch's election date (换届).
    services.org_update(actor=personas.secretary, org=county.village_a1, term_started_on=dt.date(2026, 3, 1))
    county.village_a1.refresh_from_db()
    assert county.village_a1.term_started_on == dt.date(2026, 3, 1)


def test_move_carries_the_subtree_and_its_members(personas, county):
    old_path = county.village_a1.path
    services.org_move(actor=personas.admin, org=county.village_a1, new_parent=county.town_b)
    branch = Organization.objects.get(pk=county.village_a1.pk)
    group = Organization.objects.get(pk=county.group_a1.pk)
    assert branch.parent_id == county.town_b.pk
    assert branch.path == f"{county.town_b.path}{branch.pk}/"
    assert group.path == f"{branch.path}{group.pk}/" and group.depth == branch.depth + 1
    assert Member.objects.filter(org=branch).exclude(org_path=branch.path).count() == 0
    assert not Member.objects.filter(org_path__startswith=old_path).exists()
    assert selectors.member_counts(county.town_b)["total"] == 5 + 11
    assert selectors.member_counts(county.town_a)["total"] == 3


def test_move_into_own_subtree_or_under_a_wrong_kind_is_refused(personas, county):
    with pytest.raises(ValidationFailed, match="下级组织之下"):
        services.org_move(actor=personas.admin, org=county.town_a, new_parent=county.village_a1)
    with pytest.raises(ValidationFailed, match="不能设立"):
        services.org_move(actor=personas.admin, org=county.village_a2, new_parent=county.village_b1)
    with pytest.raises(PermissionDenied):
        services.org_move(actor=personas.officer, org=county.village_a2, new_parent=county.town_b)


def test_dissolving_an_organization_with_members_or_children_answers_with_the_reason(personas, county):
    with pytest.raises(TransitionNotAllowed, match="3 名党员"):
        services.org_dissolve(
            actor=personas.officer, org=county.village_a2, dissolved_on=TODAY(), reason="合并"
        )
    with pytest.raises(TransitionNotAllowed, match="1 个组织"):
        services.org_dissolve(
            actor=personas.officer, org=county.village_a1, dissolved_on=TODAY(), reason="合并"
        )
    assert Organization.objects.get(pk=county.village_a2.pk).dissolved_on is None


def test_dissolving_an_empty_group_ends_its_positions_and_hides_it(personas, county):
    services.position_appoint(
        actor=personas.secretary,
        org=county.group_a1,
        post="group_leader",
        person_name="赵敏",
        started_on=dt.date(2025, 1, 1),
    )
    services.org_dissolve(
        actor=personas.secretary, org=county.group_a1, dissolved_on=TODAY(), reason="党员调整"
    )
    assert not LeadershipPosition.objects.filter(org=county.group_a1, ended_on__isnull=True).exists()
    assert county.group_a1 not in selectors.orgs_within(user=personas.secretary)
    assert county.group_a1 in selectors.orgs_within(user=personas.secretary, include_dissolved=True)
    with pytest.raises(TransitionNotAllowed, match="已于"):
        services.org_dissolve(actor=personas.secretary, org=county.group_a1, dissolved_on=TODAY(), reason="x")


def test_one_secretary_at_a_time(personas, county):
    first = services.position_appoint(
        actor=personas.officer,
        org=county.village_a2,
        post="secretary",
        person_name="周强",
        started_on=dt.date(2024, 1, 1),
    )
    with pytest.raises(TransitionNotAllowed, match="现任书记为周强"):
        services.position_appoint(
            actor=personas.officer,
            org=county.village_a2,
            post="secretary",
            person_name="吴刚",
            started_on=dt.date(2025, 1, 1),
        )
    services.position_end(actor=personas.officer, position=first, ended_on=dt.date(2025, 1, 1), reason="换届")
    services.position_appoint(
        actor=personas.officer,
        org=county.village_a2,
        post="secretary",
        person_name="吴刚",
        started_on=dt.date(2025, 1, 1),
    )


def test_appointment_checks_post_member_and_dates(personas, county):
    with pytest.raises(ValidationFailed, match="党小组只设组长"):
        services.position_appoint(
            actor=personas.admin,
            org=county.village_a1,
            post="group_leader",
            person_name="x",
            started_on=dt.date(2025, 1, 1),
        )
    outsider = Member.objects.filter(org=county.village_b1).first()
    with pytest.raises(ValidationFailed, match="本组织"):
        services.position_appoint(
            actor=personas.admin,
            org=county.village_a1,
            post="organization",
            member=outsider,
            started_on=dt.date(2025, 1, 1),
        )
    with pytest.raises(ValidationFailed, match="晚于今天"):
        services.position_appoint(
            actor=personas.admin,
            org=county.village_a1,
            post="publicity",
            person_name="x",
            started_on=TODAY() + dt.timedelta(days=1),
        )
    insider = Member.objects.filter(org=county.village_a1).first()
    position = services.position_appoint(
        actor=personas.secretary,
        org=county.group_a1,
        post="group_leader",
        member=insider,
        started_on=dt.date(2025, 1, 1),
    )
    assert position.person_name == insider.name
    with pytest.raises(ValidationFailed, match="早于任职日期"):
        services.position_end(actor=personas.secretary, position=position, ended_on=dt.date(2024, 12, 31))
    services.position_end(actor=personas.secretary, position=position, ended_on=dt.date(2025, 6, 30))
    with pytest.raises(TransitionNotAllowed):
        services.position_end(actor=personas.secretary, position=position, ended_on=dt.date(2025, 7, 1))


def test_structure_check_on_recorded_data(personas, county):
    # 甲村: 9 full + 2 probationary members, no committee recorded yet → a committee is required.
    check = selectors.structure_of(county.village_a1)
    assert (check.full_members, check.probationary_members, check.committee_required) == (9, 2, True)
    assert {"committee_missing", "secretary_missing"} <= {f.code for f in check.findings}
    for post, name in [("secretary", "甲"), ("organization", "乙"), ("publicity", "丙")]:
        services.position_appoint(
            actor=personas.officer,
            org=county.village_a1,
            post=post,
            person_name=name,
            started_on=dt.date(2022, 1, 10),
        )
    check = selectors.structure_of(county.village_a1, today=dt.date(2026, 11, 28))
    codes = {f.code for f in check.findings}
    assert "committee_missing" not in codes and "secretary_missing" not in codes
    assert check.committee_size == 3
    assert check.term_years == 5 and check.term_ends_on == dt.date(2027, 1, 10)
    assert "term_due" in codes


def test_party_group_counts_its_assigned_members_and_dissolved_orgs_have_no_findings(personas, county):
    members = list(Member.objects.filter(org=county.village_a1)[:3])
    Member.objects.filter(pk__in=[m.pk for m in members]).update(party_group=county.group_a1)
    assert selectors.member_counts(county.group_a1)["total"] == 3
    services.org_dissolve(
        actor=personas.officer,
        org=county.village_b1.__class__.objects.create(
            name="空支部",
            code="EMPTY",
            kind="branch",
            domain="rural",
            parent=county.town_a,
            path=f"{county.town_a.path}9999/",
            depth=2,
        ),
        dissolved_on=TODAY(),
        reason="撤并",
    )
    dissolved = Organization.objects.get(code="EMPTY")
    assert selectors.structure_of(dissolved).findings == []


def test_future_establishment_date_is_refused(personas, county):
    with pytest.raises(ValidationFailed, match="成立日期不能晚于今天"):
        services.org_create(
            actor=personas.admin,
            parent=county.town_a,
            name="未来支部",
            code="F1",
            kind="branch",
            domain="rural",
            established_on=TODAY() + dt.timedelta(days=3),
        )
