"""Revealing a member's full ID number, phone and address: who may, and that every reveal is audited."""

import pytest
from django.core.exceptions import PermissionDenied

from dangjian.accounts.models import User
from dangjian.core.models import AuditEntry
from dangjian.members.models import Member
from dangjian.members.services import records

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("who", "allowed"),
    [("admin", True), ("secretary", True), ("officer", False), ("member", False), ("reviewer", False)],
)
def test_only_the_county_admin_and_the_own_branch_secretary_may_reveal(personas, county, who, allowed):
    actor = getattr(personas, who)
    member = county.own_member
    assert records.may_reveal(actor, member) is allowed
    if allowed:
        revealed = records.member_reveal(actor=actor, member=member)
        assert revealed == {"id_number": member.id_number, "phone": "13812345678", "address": ""}
    else:
        with pytest.raises(PermissionDenied):
            records.member_reveal(actor=actor, member=member)
    assert AuditEntry.objects.filter(action="reveal").count() == (1 if allowed else 0)


def test_a_secretary_of_another_branch_in_the_same_township_may_not(county):
    other = User.objects.create_user(
        username="yicun", password="x" * 12, role="branch_secretary", org=county.village_a2
    )
    with pytest.raises(PermissionDenied):
        records.member_reveal(actor=other, member=county.own_member)


def test_outside_scope_nobody_reveals(personas, county):
    with pytest.raises(PermissionDenied):
        records.member_reveal(actor=personas.secretary_b, member=county.own_member)


def test_the_audit_entry_names_who_and_whom_but_holds_no_personal_data(personas, county):
    member = county.own_member
    Member.objects.filter(pk=member.pk).update(address=member.address or "")
    records.member_reveal(actor=personas.admin, member=member)
    entry = AuditEntry.objects.get(action="reveal")
    assert entry.actor == personas.admin and entry.object_repr == "李华"
    assert entry.org == county.village_a1 and entry.org_path == county.village_a1.path
    assert entry.before is None and entry.after is None
    assert member.id_number not in entry.summary and "13812345678" not in entry.summary


def test_each_reveal_is_a_new_entry(personas, county):
    for _ in range(3):
        records.member_reveal(actor=personas.secretary, member=county.own_member)
    assert AuditEntry.objects.filter(action="reveal").count() == 3


def test_address_is_masked_to_its_region():
    assert records.mask_address("安徽省宣城市旌德县旌阳镇文化路8号") == "安徽省宣城市****"
    assert records.mask_address("北京") == "北****"
    assert records.mask_address("") == ""
