"""组织关系转接 through the services: every transition, the forbidden ones (409), expiry, the two pending
lists, and that the member's organization changes only on receipt.

The tree of tests/conftest.py:  县委 ─┬─ 甲镇党委 ─┬─ 甲村党支部 (A1) ── 第一党小组
                                     │           └─ 乙村党支部 (A2)
                                     └─ 丙镇党委 ─── 丙村党支部 (B1)
"""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.utils import timezone

from dangjian.core import idnumber
from dangjian.core.errors import TransitionNotAllowed, ValidationFailed
from dangjian.core.models import AuditEntry
from dangjian.members.models import Member, MobileRecord, StatusChange, Transfer
from dangjian.members.selectors import transfers as selectors
from dangjian.members.services import mobile as mobile_services
from dangjian.members.services import transfers as services
from dangjian.orgs.rules import add_months

from ..factories import make_member

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 10)
NEWCOMER_ID = idnumber.build("110105", dt.date(1990, 3, 7), 123)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC), tick=False) as traveller:
        yield traveller


@pytest.fixture
def wang(county):
    return make_member(county.village_a1, name="王建国", party_group=county.group_a1)


def issue(personas, county, member, **extra):
    extra.setdefault("to_org", county.village_b1)
    return services.transfer_issue(actor=personas.secretary, member=member, **extra)


def refreshed(member):
    return Member.objects.get(pk=member.pk)


# --- issue ------------------------------------------------------------------------------------------------


def test_issue_writes_the_letter_and_leaves_the_member_where_they_are(personas, county, wang, settings):
    settings.TRANSFER_LETTER_PREFIX = "旌组转"
    transfer = issue(personas, county, wang, reason="工作调动")
    assert transfer.state == "issued" and transfer.kind == "internal"
    assert transfer.letter_no == "旌组转〔2026〕第0001号"
    assert transfer.issued_on == TODAY and transfer.valid_until == dt.date(2026, 6, 10)
    assert transfer.dues_paid_until == dt.date(2026, 3, 1)
    assert transfer.from_path == county.village_a1.path and transfer.to_path == county.village_b1.path
    snapshot = transfer.member_snapshot
    assert snapshot["name"] == "王建国" and snapshot["age"] == 45 and snapshot["issuer"] == "甲镇党委"
    assert wang.id_number not in str(snapshot)  # the ID number is kept encrypted in the snapshot
    assert selectors.letter_particulars(transfer)["id_number"] == wang.id_number
    member = refreshed(wang)
    assert member.org_id == county.village_a1.pk and member.party_group_id == county.group_a1.pk
    entry = AuditEntry.objects.get(object_type="members.transfer")
    assert entry.action == "create" and entry.org_id == county.village_a1.pk


def test_letter_numbers_run_on_within_a_year_and_start_again_the_next(personas, county, frozen_today):
    first = issue(personas, county, make_member(county.village_a1, name="甲"))
    second = issue(personas, county, make_member(county.village_a1, name="乙"))
    assert (first.letter_no, second.letter_no) == ("组转〔2026〕第0001号", "组转〔2026〕第0002号")
    frozen_today.move_to(dt.datetime(2027, 1, 4, 9, 0, tzinfo=dt.UTC))
    third = issue(personas, county, make_member(county.village_a1, name="丙"))
    assert third.letter_no == "组转〔2027〕第0001号"


def test_validity_follows_the_settings(personas, county, wang, settings):
    settings.DANGJIAN_RULES = {
        **settings.DANGJIAN_RULES,
        "TRANSFER_VALID_MONTHS": 1,
        "TRANSFER_MAX_MONTHS": 2,
    }
    assert issue(personas, county, wang).valid_until == dt.date(2026, 4, 10)
    other = make_member(county.village_a1, name="李四")
    with pytest.raises(ValidationFailed) as refused:
        issue(personas, county, other, valid_months=3)
    assert refused.value.errors[0]["field"] == "valid_months"


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"dues_paid_until": dt.date(2026, 2, 28)}, "dues_paid_until"),
        ({"valid_months": 0}, "valid_months"),
        ({"valid_months": 7}, "valid_months"),
        ({"to_org": None}, "to_org_id"),
        ({"destination_text": "上海市某街道党工委"}, "to_org_id"),
        ({"to_org": "group"}, "to_org_id"),
        ({"to_org": "own"}, "to_org_id"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(personas, county, wang, extra, field):
    if extra.get("to_org") == "group":
        extra["to_org"] = county.group_a1
    elif extra.get("to_org") == "own":
        extra["to_org"] = county.village_a1
    with pytest.raises(ValidationFailed) as refused:
        issue(personas, county, wang, **extra)
    assert refused.value.errors[0]["field"] == field
    assert not Transfer.objects.exists() and not AuditEntry.objects.exists()


def test_dues_paid_in_the_transfer_month_is_enough(personas, county, wang):
    assert issue(personas, county, wang, dues_paid_until=dt.date(2026, 3, 1)).state == "issued"


def test_only_one_open_letter_per_member(personas, county, wang):
    first = issue(personas, county, wang)
    with pytest.raises(TransitionNotAllowed, match=first.letter_no):
        issue(personas, county, wang, to_org=county.village_a2)


@pytest.mark.parametrize("status", ["lost_contact", "suspended", "left", "deceased", "transferred_out"])
def test_a_member_who_is_not_active_or_mobile_cannot_be_transferred(personas, county, status):
    member = make_member(county.village_a1, name="赵六", status=status)
    with pytest.raises(TransitionNotAllowed, match="不能转接组织关系"):
        issue(personas, county, member)


def test_the_receiving_branch_need_not_lie_in_the_issuers_scope_but_the_member_must(personas, county):
    member_b = make_member(county.village_b1, name="孙七")
    with pytest.raises(PermissionDenied):
        services.transfer_issue(actor=personas.secretary, member=member_b, to_org=county.village_a2)
    with pytest.raises(PermissionDenied):
        services.transfer_issue(actor=personas.member, member=member_b, to_org=county.village_a2)


# --- receive ----------------------------------------------------------------------------------------------


def test_both_pending_lists_show_the_letter_until_it_is_received(personas, county, wang):
    transfer = issue(personas, county, wang)
    assert list(selectors.pending_outgoing(user=personas.secretary)) == [transfer]  # 已转出待回执
    assert list(selectors.pending_incoming(user=personas.secretary_b)) == [transfer]  # 待接收
    assert not selectors.pending_incoming(user=personas.secretary).exists()
    assert not selectors.pending_outgoing(user=personas.secretary_b).exists()
    services.transfer_receive(actor=personas.secretary_b, transfer=transfer)
    assert not selectors.pending_outgoing(user=personas.secretary).exists()
    assert not selectors.pending_incoming(user=personas.secretary_b).exists()


def test_receiving_moves_the_member_then_and_not_before(personas, county, wang):
    transfer = issue(personas, county, wang)
    assert refreshed(wang).org_id == county.village_a1.pk
    received = services.transfer_receive(actor=personas.secretary_b, transfer=transfer)
    assert received.state == "received" and received.received_on == TODAY
    member = refreshed(wang)
    assert member.org_id == county.village_b1.pk and member.org_path == county.village_b1.path
    assert member.party_group_id is None and member.status == "active"
    entry = AuditEntry.objects.filter(object_type="members.transfer", action="transition").get()
    assert entry.org_id == county.village_b1.pk and "接收组织关系" in entry.summary


def test_the_sending_side_cannot_receive_its_own_letter(personas, county, wang):
    transfer = issue(personas, county, wang)
    with pytest.raises(PermissionDenied):
        services.transfer_receive(actor=personas.secretary, transfer=transfer)
    assert refreshed(wang).org_id == county.village_a1.pk


@pytest.mark.parametrize("received_on", [dt.date(2026, 3, 9), dt.date(2026, 3, 11)])
def test_receipt_date_lies_between_issue_and_today(personas, county, wang, received_on):
    transfer = issue(personas, county, wang)  # issued on 2026-03-10, which is today
    with pytest.raises(ValidationFailed) as refused:
        services.transfer_receive(actor=personas.secretary_b, transfer=transfer, received_on=received_on)
    assert refused.value.errors[0]["field"] == "received_on"
    assert Transfer.objects.get(pk=transfer.pk).state == "issued"


def test_a_second_receipt_and_a_cancel_after_receipt_are_409(personas, county, wang):
    transfer = issue(personas, county, wang)
    services.transfer_receive(actor=personas.secretary_b, transfer=transfer)
    with pytest.raises(TransitionNotAllowed, match="已接收"):
        services.transfer_receive(actor=personas.secretary_b, transfer=transfer)
    with pytest.raises(TransitionNotAllowed, match="已接收"):
        services.transfer_cancel(actor=personas.secretary, transfer=transfer)


def test_receiving_a_mobile_member_ends_the_outflow(personas, county, wang):
    mobile_services.mobile_outflow_record(
        actor=personas.secretary, member=wang, left_on=dt.date(2026, 1, 5), destination="上海"
    )
    transfer = issue(personas, county, wang)
    services.transfer_receive(actor=personas.secretary_b, transfer=transfer)
    record = MobileRecord.objects.get(member=wang)
    assert record.state == "returned" and record.returned_on == TODAY
    assert refreshed(wang).status == "active"


def test_a_branch_dissolved_meanwhile_cannot_receive(personas, county, wang):
    transfer = issue(personas, county, wang)
    county.village_b1.dissolved_on = TODAY
    county.village_b1.save()
    with pytest.raises(TransitionNotAllowed, match="已撤销"):
        services.transfer_receive(actor=personas.admin, transfer=transfer)


# --- cancel -----------------------------------------------------------------------------------------------


def test_the_sending_side_cancels_an_open_letter(personas, county, wang):
    transfer = issue(personas, county, wang)
    with pytest.raises(PermissionDenied):
        services.transfer_cancel(actor=personas.secretary_b, transfer=transfer)
    cancelled = services.transfer_cancel(actor=personas.officer, transfer=transfer, reason="本人不再调动")
    assert cancelled.state == "cancelled" and cancelled.closed_note == "本人不再调动"
    with pytest.raises(TransitionNotAllowed, match="已撤销"):
        services.transfer_receive(actor=personas.secretary_b, transfer=transfer)
    with pytest.raises(TransitionNotAllowed, match="已撤销"):
        services.transfer_cancel(actor=personas.secretary, transfer=transfer)
    assert refreshed(wang).org_id == county.village_a1.pk
    assert issue(personas, county, wang, to_org=county.village_a2).state == "issued"  # a new letter


# --- expiry -----------------------------------------------------------------------------------------------


def test_a_letter_reads_expired_the_day_after_its_validity(personas, county, wang, frozen_today):
    transfer = issue(personas, county, wang)
    frozen_today.move_to(dt.datetime(2026, 6, 10, 9, 0, tzinfo=dt.UTC))
    assert selectors.transfers_within(user=personas.secretary).get().current_state == "issued"
    frozen_today.move_to(dt.datetime(2026, 6, 11, 9, 0, tzinfo=dt.UTC))
    row = selectors.transfers_within(user=personas.secretary).get()
    assert row.state == "issued" and row.current_state == "expired"  # not yet written down, read right
    assert not selectors.pending_incoming(user=personas.secretary_b).exists()
    assert list(selectors.transfers_within(user=personas.secretary, state="expired")) == [transfer]
    with pytest.raises(TransitionNotAllowed, match="超过有效期"):
        services.transfer_receive(actor=personas.secretary_b, transfer=transfer)
    with pytest.raises(TransitionNotAllowed, match="超过有效期"):
        services.transfer_cancel(actor=personas.secretary, transfer=transfer)
    assert refreshed(wang).org_id == county.village_a1.pk


def test_expire_command_writes_down_expired_letters_and_audits_them(personas, county, wang, frozen_today):
    transfer = issue(personas, county, wang)
    kept = issue(personas, county, make_member(county.village_a1, name="周八"), valid_months=6)
    frozen_today.move_to(dt.datetime(2026, 7, 1, 9, 0, tzinfo=dt.UTC))
    call_command("expire_transfers", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Transfer.objects.get(pk=transfer.pk).state == "expired"
    assert Transfer.objects.get(pk=kept.pk).state == "issued"
    entry = AuditEntry.objects.filter(object_id=str(transfer.pk), action="transition").get()
    assert entry.actor is None and entry.actor_name == "系统" and "超过有效期" in entry.summary
    assert entry.ip is None  # no account, no address
    call_command("expire_transfers", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert AuditEntry.objects.filter(object_id=str(transfer.pk), action="transition").count() == 1


def test_a_new_letter_can_be_issued_once_the_old_one_expired(personas, county, wang, frozen_today):
    old = issue(personas, county, wang, valid_months=1)
    frozen_today.move_to(dt.datetime(2026, 4, 11, 9, 0, tzinfo=dt.UTC))
    new = issue(personas, county, wang, to_org=county.village_a2)
    assert Transfer.objects.get(pk=old.pk).state == "expired" and new.state == "issued"


# --- outside the system -----------------------------------------------------------------------------------


def test_outgoing_letter_is_closed_by_the_senders_receipt(personas, county, wang):
    transfer = issue(personas, county, wang, to_org=None, destination_text="上海市徐汇区某街道党工委")
    assert transfer.kind == "outgoing" and transfer.to_org_id is None
    assert list(selectors.pending_outgoing(user=personas.secretary)) == [transfer]
    with pytest.raises(PermissionDenied):
        services.transfer_receive(actor=personas.secretary_b, transfer=transfer)
    services.transfer_receive(actor=personas.secretary, transfer=transfer)
    member = refreshed(wang)
    assert member.status == "transferred_out" and member.org_id == county.village_a1.pk
    change = StatusChange.objects.get(member=wang)
    assert (change.kind, change.from_status, change.to_status) == (
        "transfer_out",
        "active",
        "transferred_out",
    )
    assert [c.kind for c in selectors.status_history(wang)] == ["transfer_out"]


def test_a_receipt_arriving_after_the_validity_counts_if_dated_within_it(
    personas, county, wang, frozen_today
):
    transfer = issue(personas, county, wang, to_org=None, destination_text="外省某党委", valid_months=1)
    frozen_today.move_to(dt.datetime(2026, 5, 20, 9, 0, tzinfo=dt.UTC))
    with pytest.raises(TransitionNotAllowed, match="晚于介绍信有效期"):
        services.transfer_receive(
            actor=personas.secretary, transfer=transfer, received_on=dt.date(2026, 4, 11)
        )
    services.transfer_receive(actor=personas.secretary, transfer=transfer, received_on=dt.date(2026, 4, 10))
    assert refreshed(wang).status == "transferred_out"


def incoming(personas, county, **extra):
    values = {
        "actor": personas.secretary_b,
        "to_org": county.village_b1,
        "source_text": "中共上海市某区某街道工作委员会",
        "letter_no": "沪组转〔2026〕第0123号",
        "issued_on": dt.date(2026, 3, 1),
        "valid_until": dt.date(2026, 6, 1),
        "dues_paid_until": dt.date(2026, 3, 1),
        "name": "钱多多",
        "id_number": NEWCOMER_ID,
        "category": "full",
        "joined_on": dt.date(2015, 7, 1),
        "converted_on": dt.date(2016, 7, 1),
    }
    values.update(extra)
    return services.transfer_register_incoming(**values)


def test_incoming_from_outside_creates_the_member_in_the_receiving_branch(personas, county):
    from dangjian.core.crypto import lookup_hash
    from dangjian.members.strokes import name_key

    transfer = incoming(personas, county)
    assert transfer.kind == "incoming" and transfer.state == "received" and transfer.received_on == TODAY
    member = transfer.member
    assert member.org_id == county.village_b1.pk and member.org_path == county.village_b1.path
    assert member.id_hash == lookup_hash(NEWCOMER_ID) and member.name_key == name_key("钱多多")
    assert member.gender == "male" and member.birth_date == dt.date(1990, 3, 7)
    assert list(selectors.transfers_within(user=personas.secretary_b)) == [transfer]
    assert not selectors.transfers_within(user=personas.secretary).exists()


def test_incoming_reactivates_a_member_who_once_transferred_out(personas, county, wang):
    outgoing = issue(personas, county, wang, to_org=None, destination_text="上海")
    services.transfer_receive(actor=personas.secretary, transfer=outgoing)
    transfer = incoming(personas, county, id_number=wang.id_number, name="王建国", letter_no="沪组转X1")
    assert transfer.member_id == wang.pk
    member = refreshed(wang)
    assert member.status == "active" and member.org_id == county.village_b1.pk
    assert [c.kind for c in selectors.status_history(wang)] == ["transfer_in", "transfer_out"]


def test_incoming_refuses_a_member_who_is_in_the_system(personas, county, wang):
    with pytest.raises(TransitionNotAllowed, match="系统内"):
        incoming(personas, county, id_number=wang.id_number)
    assert not Transfer.objects.exists()


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"id_number": NEWCOMER_ID[:-1] + ("0" if NEWCOMER_ID[-1] != "0" else "1")}, "id_number"),
        ({"dues_paid_until": dt.date(2026, 2, 1)}, "dues_paid_until"),
        ({"source_text": " "}, "source_text"),
        ({"letter_no": ""}, "letter_no"),
        ({"category": "probationary"}, "converted_on"),
        ({"issued_on": dt.date(2026, 3, 11)}, "issued_on"),
        ({"phone": "12345"}, "phone"),
    ],
)
def test_incoming_bad_input_is_422_and_writes_nothing(personas, county, extra, field):
    with pytest.raises(ValidationFailed) as refused:
        incoming(personas, county, **extra)
    assert refused.value.errors[0]["field"] == field
    assert not Member.objects.filter(name="钱多多").exists()


def test_incoming_letter_registered_twice_is_422(personas, county):
    incoming(personas, county)
    with pytest.raises(ValidationFailed, match="已经登记过"):
        incoming(personas, county, id_number=idnumber.build("110105", dt.date(1991, 1, 1), 125))


def test_incoming_letter_past_its_validity_is_409(personas, county):
    with pytest.raises(TransitionNotAllowed, match="超过有效期"):
        incoming(personas, county, valid_until=dt.date(2026, 3, 9))


def test_incoming_letters_cannot_be_received_or_cancelled_again(personas, county):
    transfer = incoming(personas, county)
    with pytest.raises(TransitionNotAllowed):
        services.transfer_receive(actor=personas.secretary_b, transfer=transfer)
    with pytest.raises(TransitionNotAllowed):
        services.transfer_cancel(actor=personas.secretary_b, transfer=transfer)


def test_validity_dates_use_add_months():
    assert add_months(TODAY, 3) == dt.date(2026, 6, 10)
    assert timezone.localdate() == TODAY


def test_expire_command_takes_a_date_and_refuses_a_bad_one(personas, county, wang):
    import io

    from django.core.management.base import CommandError

    issue(personas, county, wang, valid_months=1)
    out = io.StringIO()
    call_command("expire_transfers", "--date", "2026-04-10", stdout=out)
    assert "0 封" in out.getvalue()
    call_command("expire_transfers", "--date", "2026-04-11", stdout=out)
    assert "1 封" in out.getvalue()
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("expire_transfers", "--date", "11/04/2026")
