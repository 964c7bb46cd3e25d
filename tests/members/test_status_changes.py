"""党籍异动 through the service: every allowed transition, the refused ones (409), bad input (422), and that
members are never deleted and their history is kept."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from dangjian.core.errors import TransitionNotAllowed, ValidationFailed
from dangjian.core.models import AuditEntry
from dangjian.members import rules
from dangjian.members.models import Member, MobileRecord, StatusChange
from dangjian.members.selectors import transfers as selectors
from dangjian.members.services import mobile as mobile_services
from dangjian.members.services import status as services
from dangjian.members.services import transfers as transfer_services

from ..factories import make_member

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 10)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC), tick=False) as traveller:
        yield traveller


def record(personas, member, kind, on=TODAY, **extra):
    extra.setdefault("reason", "经支部大会讨论")
    return services.status_change_record(
        actor=extra.pop("actor", personas.secretary), member=member, kind=kind, effective_on=on, **extra
    )


def status_of(member):
    return Member.objects.get(pk=member.pk).status


@pytest.mark.parametrize(
    ("status", "kind", "to_status"),
    [
        ("active", "lost_contact", "lost_contact"),
        ("mobile", "lost_contact", "lost_contact"),
        ("lost_contact", "contact_restored", "active"),
        ("active", "suspend", "suspended"),
        ("suspended", "restore", "active"),
        ("active", "death", "deceased"),
        ("suspended", "death", "deceased"),
    ],
)
def test_allowed_transitions(personas, county, status, kind, to_status):
    member = make_member(county.village_a1, name="王五", status=status)
    change = record(personas, member, kind, approved_by="甲镇党委", decision_ref="甲党〔2026〕3号")
    assert (change.from_status, change.to_status) == (status, to_status)
    assert status_of(member) == to_status
    assert change.approved_by == "甲镇党委" and change.recorded_by == personas.secretary
    entry = AuditEntry.objects.get(object_type="members.statuschange")
    assert entry.org_id == county.village_a1.pk and "王五" in entry.summary


@pytest.mark.parametrize("exit_kind", ["expelled", "removed", "self_lapsed", "withdrew", "persuaded"])
def test_a_full_member_leaves_the_party_by_each_kind(personas, county, exit_kind):
    member = make_member(county.village_a1, name="赵六")
    change = record(personas, member, "leave", exit_kind=exit_kind)
    assert change.exit_kind == exit_kind and status_of(member) == "left"
    assert Member.objects.filter(pk=member.pk).exists()  # never deleted


def test_cancelled_probationer_leaves_and_stays_probationary(personas, county):
    member = make_member(county.village_a1, name="钱七", category="probationary")
    record(personas, member, "leave", exit_kind="probation_cancelled")
    member = Member.objects.get(pk=member.pk)
    assert (member.status, member.category) == ("left", "probationary")


@pytest.mark.parametrize(
    ("status", "category", "kind", "exit_kind", "reason"),
    [
        ("active", "full", "contact_restored", "", "只有失去联系的党员"),
        ("suspended", "full", "lost_contact", "", "只有正常或流动状态"),
        ("active", "full", "restore", "", "只有停止党籍的党员"),
        ("active", "probationary", "suspend", "", "取消预备党员资格"),
        ("active", "full", "leave", "probation_cancelled", "只有预备党员"),
        ("active", "probationary", "leave", "persuaded", "不能劝退"),
        ("left", "full", "death", "", "不能再变更"),
        ("deceased", "full", "restore", "", "不能再变更"),
        ("transferred_out", "full", "lost_contact", "", "不能再变更"),
    ],
)
def test_refused_transitions_are_409_with_the_rule(
    personas, county, status, category, kind, exit_kind, reason
):
    member = make_member(county.village_a1, name="孙八", status=status, category=category)
    with pytest.raises(TransitionNotAllowed, match=reason):
        record(personas, member, kind, exit_kind=exit_kind)
    assert status_of(member) == status
    assert not StatusChange.objects.exists() and not AuditEntry.objects.exists()


def test_suspension_after_lost_contact_waits_six_months(personas, county, frozen_today):
    member = make_member(county.village_a1, name="周九")
    record(personas, member, "lost_contact", on=dt.date(2025, 9, 10))
    with pytest.raises(TransitionNotAllowed, match="满 6 个月"):
        record(personas, member, "suspend", on=dt.date(2026, 3, 9))
    change = record(personas, member, "suspend", on=dt.date(2026, 3, 10))
    assert change.to_status == "suspended"


def test_restoration_is_possible_only_within_two_years(personas, county, frozen_today):
    member = make_member(county.village_a1, name="吴十")
    frozen_today.move_to(dt.datetime(2024, 3, 10, 9, 0, tzinfo=dt.UTC))
    record(personas, member, "suspend", on=dt.date(2024, 3, 10))
    frozen_today.move_to(dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC))
    with pytest.raises(TransitionNotAllowed, match="满 2 年"):
        record(personas, member, "restore", on=dt.date(2026, 3, 10))
    assert record(personas, member, "restore", on=dt.date(2026, 3, 9)).to_status == "active"


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"kind": "vanish"}, "kind"),
        ({"kind": "leave"}, "exit_kind"),
        ({"kind": "leave", "exit_kind": "evaporated"}, "exit_kind"),
        ({"reason": "  "}, "reason"),
        ({"on": dt.date(2026, 3, 11)}, "effective_on"),
        ({"decision_ref": "x" * 101}, "decision_ref"),
    ],
)
def test_bad_input_is_422_and_changes_nothing(personas, county, extra, field):
    member = make_member(county.village_a1, name="郑一")
    kind = extra.pop("kind", "lost_contact")
    with pytest.raises(ValidationFailed) as refused:
        record(personas, member, kind, **extra)
    assert refused.value.errors[0]["field"] == field
    assert status_of(member) == "active" and not StatusChange.objects.exists()


def test_a_change_cannot_predate_the_last_one(personas, county):
    member = make_member(county.village_a1, name="冯二")
    record(personas, member, "lost_contact", on=dt.date(2026, 3, 1))
    with pytest.raises(ValidationFailed, match="2026-03-01"):
        record(personas, member, "contact_restored", on=dt.date(2026, 2, 28))


def test_only_organizations_holding_the_member_record_changes(personas, county):
    member = make_member(county.village_a1, name="陈三")
    for actor in (personas.secretary_b, personas.member, personas.reviewer):
        with pytest.raises(PermissionDenied):
            record(personas, member, "lost_contact", actor=actor)
    assert record(personas, member, "lost_contact", actor=personas.officer).to_status == "lost_contact"


def test_an_open_transfer_blocks_status_changes(personas, county):
    member = make_member(county.village_a1, name="褚四")
    letter = transfer_services.transfer_issue(
        actor=personas.secretary, member=member, to_org=county.village_b1
    )
    with pytest.raises(TransitionNotAllowed, match=letter.letter_no):
        record(personas, member, "death")


def test_mobile_member_who_dies_ends_the_outflow_and_one_restored_stays_mobile(personas, county):
    away = make_member(county.village_a1, name="卫五")
    mobile_services.mobile_outflow_record(
        actor=personas.secretary, member=away, left_on=dt.date(2026, 1, 2), destination="深圳"
    )
    record(personas, away, "lost_contact", on=dt.date(2026, 2, 1))
    record(personas, away, "contact_restored", on=dt.date(2026, 3, 1))
    assert status_of(away) == "mobile"  # still away: dual management goes on
    record(personas, away, "death", on=dt.date(2026, 3, 5))
    outflow = MobileRecord.objects.get(member=away)
    assert outflow.state == "returned" and outflow.returned_on == dt.date(2026, 3, 5)
    assert status_of(away) == "deceased"


def test_history_is_kept_newest_first(personas, county):
    member = make_member(county.village_a1, name="蒋六")
    record(personas, member, "lost_contact", on=dt.date(2026, 1, 1))
    record(personas, member, "contact_restored", on=dt.date(2026, 2, 1))
    record(personas, member, "leave", on=dt.date(2026, 3, 1), exit_kind="withdrew")
    history = selectors.status_history(member)
    assert [c.kind for c in history] == ["leave", "contact_restored", "lost_contact"]
    assert [c.kind for c in selectors.status_changes_within(user=personas.officer)] != []
    assert not selectors.status_changes_within(user=personas.secretary_b).exists()


def test_rule_boundary_is_exactly_six_months_of_lost_contact():
    def outcome(on):
        return rules.status_change_outcome(
            kind="suspend",
            status="lost_contact",
            category="full",
            effective_on=on,
            last_change_on=dt.date(2025, 8, 31),
            today=dt.date(2026, 12, 31),
        )

    with pytest.raises(rules.RuleViolation):
        outcome(dt.date(2026, 2, 27))
    assert outcome(dt.date(2026, 2, 28)).to_status == "suspended"
