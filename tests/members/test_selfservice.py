"""The member's own record as self-service shows it: masked personal data, the reveal, what may be corrected,
and the history read from the transfers, status changes and mobile records."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from dangjian.core.models import AuditEntry
from dangjian.members.selectors import selfservice as selectors
from dangjian.members.services import selfservice as services
from dangjian.members.services import status, transfers

from ..factories import make_member

pytestmark = pytest.mark.django_db


def rows_by_field(member, revealed=None):
    return {row.field: row for row in selectors.record_rows(member, revealed=revealed)}


def test_the_record_masks_id_number_phone_and_address(county):
    member = county.own_member
    member.address = "安徽省宣城市旌德县旌阳镇和平路 8 号"
    rows = rows_by_field(member)
    assert rows["id_number"].value == member.id_number[:6] + "********" + member.id_number[-4:]
    assert rows["phone"].value == "138****5678" and rows["address"].value == "安徽省宣城市****"
    assert {f for f, row in rows.items() if row.personal} == {"id_number", "phone", "address"}
    assert rows["org"].value == "甲村党支部" and rows["degree"].value == "—"


def test_revealing_shows_the_members_own_data_and_records_it(county, personas):
    before = AuditEntry.objects.filter(action="reveal").count()
    revealed = services.member_reveal_own(actor=personas.member)
    rows = rows_by_field(county.own_member, revealed)
    assert rows["id_number"].value == county.own_member.id_number and rows["phone"].value == "13812345678"
    assert AuditEntry.objects.filter(action="reveal").count() == before + 1


@pytest.mark.parametrize("who", ["admin", "secretary", "reviewer"])
def test_only_the_member_reveals_through_self_service(personas, who):
    with pytest.raises(PermissionDenied):
        services.member_reveal_own(actor=getattr(personas, who))


def test_what_may_be_corrected(county, personas):
    rows = rows_by_field(county.own_member)
    assert {f for f, row in rows.items() if row.correctable} == set(services.CORRECTABLE)
    assert not rows["name"].correctable and not rows["id_number"].correctable
    probationer = make_member(county.village_a1, name="预备乙", category="probationary")
    assert "converted_on" not in services.correctable_for(probationer)
    assert not rows_by_field(probationer)["converted_on"].correctable


def test_history_reads_transfers_and_status_changes_with_their_labels(county, personas):
    member = make_member(county.village_a1, name="吴九")
    with time_machine.travel(dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC), tick=False):
        letter = transfers.transfer_issue(actor=personas.secretary, member=member, to_org=county.village_a2)
    with time_machine.travel(dt.datetime(2026, 6, 5, 9, tzinfo=dt.UTC), tick=False):
        history = selectors.own_history(member)
        assert [(t.pk, t.state_label) for t in history.transfers] == [(letter.pk, "已过期")]
        status.status_change_record(
            actor=personas.secretary,
            member=member,
            kind="lost_contact",
            effective_on=dt.date(2026, 6, 1),
            reason="外出后联系不上",
        )
        history = selectors.own_history(member)
    assert [c.kind_label for c in history.status_changes] == ["失去联系"]
    assert history.mobile_records == []


def test_a_member_of_another_role_has_no_own_record(personas):
    for who in ("admin", "officer", "secretary", "reviewer"):
        with pytest.raises(PermissionDenied):
            selectors.own_member(getattr(personas, who))
    assert selectors.own_member(personas.member).name == "李华"
