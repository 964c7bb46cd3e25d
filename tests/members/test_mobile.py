"""流动党员 through the services: outflow, the host's view and activity records, the return; dual management."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from hypothesis import given
from hypothesis import strategies as st

from dangjian.core.errors import TransitionNotAllowed, ValidationFailed
from dangjian.core.models import AuditEntry
from dangjian.members import rules
from dangjian.members.models import Member, MobileActivity, MobileRecord
from dangjian.members.selectors import mobile as selectors
from dangjian.members.services import mobile as services
from dangjian.orgs.rules import add_months

from ..factories import make_member

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 10)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def liu(county):
    return make_member(county.village_a1, name="刘洋", phone="13912345678")


def outflow(personas, county, member, **extra):
    values = {"left_on": dt.date(2026, 3, 1), "destination": "丙镇工业园", "host_org": county.village_b1}
    values.update(extra)
    return services.mobile_outflow_record(actor=personas.secretary, member=member, **values)


def test_outflow_makes_the_member_mobile_and_the_home_keeps_the_record(personas, county, liu):
    record = outflow(personas, county, liu, card_no="皖流 2026001", contact="微信 liuyang")
    assert record.state == "out" and record.home_org_id == county.village_a1.pk
    member = Member.objects.get(pk=liu.pk)
    assert member.status == "mobile" and member.org_id == county.village_a1.pk  # the relationship stays
    assert list(selectors.outflows_within(user=personas.secretary)) == [record]  # 流出党员
    assert list(selectors.inflows_within(user=personas.secretary_b)) == [record]  # 流入党员
    assert not selectors.inflows_within(user=personas.secretary).exists()
    assert not selectors.outflows_within(user=personas.secretary_b).exists()
    assert AuditEntry.objects.get(object_type="members.mobilerecord").org_id == county.village_a1.pk


def test_the_host_sees_basic_masked_particulars_only(personas, county, liu):
    record = outflow(personas, county, liu)
    row = selectors.inflow_row(selectors.get_record_or_404(personas.secretary_b, record.pk))
    assert row["name"] == "刘洋" and row["home_org"] == "甲村党支部"
    assert row["phone"] == "139****5678"
    assert "id_number" not in row and liu.id_number not in str(row)


@pytest.mark.parametrize(
    ("expected_return_on", "needs_transfer"),
    [(None, False), (dt.date(2026, 8, 31), False), (dt.date(2026, 9, 1), True)],
)
def test_a_stay_of_six_months_or_more_calls_for_a_transfer(
    personas, county, liu, expected_return_on, needs_transfer
):
    record = outflow(personas, county, liu, expected_return_on=expected_return_on)
    assert bool(services.transfer_advice(record)) is needs_transfer
    assert rules.outflow_needs_transfer(record.left_on, expected_return_on) is needs_transfer


def test_outside_host_is_text(personas, county, liu):
    record = outflow(personas, county, liu, host_org=None, host_text="广东省深圳市某园区党委")
    assert record.host_path == "" and record.host_text == "广东省深圳市某园区党委"
    assert not selectors.inflows_within(user=personas.admin).exists()


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"destination": " "}, "destination"),
        ({"left_on": dt.date(2026, 3, 11)}, "left_on"),
        ({"expected_return_on": dt.date(2026, 3, 1)}, "expected_return_on"),
        ({"host_org": "group"}, "host_org_id"),
        ({"host_org": "own"}, "host_org_id"),
        ({"host_text": "某地党委"}, "host_org_id"),
        ({"card_no": "x" * 41}, "card_no"),
    ],
)
def test_bad_outflow_input_is_422_and_writes_nothing(personas, county, liu, extra, field):
    if extra.get("host_org") == "group":
        extra["host_org"] = county.group_a1
    elif extra.get("host_org") == "own":
        extra["host_org"] = county.village_a1
    with pytest.raises(ValidationFailed) as refused:
        outflow(personas, county, liu, **extra)
    assert refused.value.errors[0]["field"] == field
    assert not MobileRecord.objects.exists() and Member.objects.get(pk=liu.pk).status == "active"


@pytest.mark.parametrize(
    "status", ["mobile", "lost_contact", "suspended", "left", "deceased", "transferred_out"]
)
def test_only_an_active_member_can_go_out(personas, county, status):
    member = make_member(county.village_a1, name="黄七", status=status)
    with pytest.raises(TransitionNotAllowed):
        outflow(personas, county, member)


def test_second_outflow_is_409(personas, county, liu):
    outflow(personas, county, liu)
    with pytest.raises(TransitionNotAllowed, match="先登记返回"):
        outflow(personas, county, liu)


def test_only_the_home_side_records_an_outflow(personas, county, liu):
    with pytest.raises(PermissionDenied):
        services.mobile_outflow_record(
            actor=personas.secretary_b, member=liu, left_on=TODAY, destination="丙镇"
        )


def test_the_host_records_activities_and_the_home_cannot(personas, county, liu):
    record = outflow(personas, county, liu)
    entry = services.mobile_activity_record(
        actor=personas.secretary_b, record=record, held_on=dt.date(2026, 3, 5), activity="主题党日：学习党章"
    )
    assert list(selectors.activities_of(record)) == [entry]
    with pytest.raises(PermissionDenied):
        services.mobile_activity_record(actor=personas.secretary, record=record, held_on=TODAY, activity="x")
    with pytest.raises(ValidationFailed) as refused:
        services.mobile_activity_record(
            actor=personas.secretary_b, record=record, held_on=dt.date(2026, 2, 28), activity="早于外出"
        )
    assert refused.value.errors[0]["field"] == "held_on"


def test_activities_need_a_host_in_the_system(personas, county, liu):
    record = outflow(personas, county, liu, host_org=None, host_text="外省")
    with pytest.raises(PermissionDenied):
        services.mobile_activity_record(actor=personas.admin, record=record, held_on=TODAY, activity="x")


def test_return_makes_the_member_active_and_closes_the_record(personas, county, liu):
    record = outflow(personas, county, liu)
    with pytest.raises(PermissionDenied):
        services.mobile_return_record(actor=personas.secretary_b, record=record, returned_on=TODAY)
    with pytest.raises(ValidationFailed):
        services.mobile_return_record(
            actor=personas.secretary, record=record, returned_on=dt.date(2026, 2, 1)
        )
    returned = services.mobile_return_record(actor=personas.secretary, record=record, returned_on=TODAY)
    assert returned.state == "returned" and Member.objects.get(pk=liu.pk).status == "active"
    assert not selectors.inflows_within(user=personas.secretary_b, state="out").exists()
    with pytest.raises(TransitionNotAllowed, match="已于 2026-03-10 登记返回"):
        services.mobile_return_record(actor=personas.secretary, record=record, returned_on=TODAY)
    with pytest.raises(TransitionNotAllowed):
        services.mobile_activity_record(
            actor=personas.secretary_b, record=record, held_on=TODAY, activity="x"
        )
    assert MobileActivity.objects.count() == 0


def test_counts_for_the_cards(personas, county, liu):
    outflow(personas, county, liu)
    assert selectors.mobile_counts(user=personas.secretary) == {"out": 1, "in": 0}
    assert selectors.mobile_counts(user=personas.secretary_b) == {"out": 0, "in": 1}
    assert selectors.mobile_counts(user=personas.admin) == {"out": 1, "in": 1}


@given(
    left_on=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 12, 31)),
    days=st.integers(min_value=1, max_value=800),
)
def test_transfer_is_needed_exactly_from_six_months_away(left_on, days):
    back = left_on + dt.timedelta(days=days)
    assert rules.outflow_needs_transfer(left_on, back) is (back >= add_months(left_on, 6))
    assert rules.outflow_needs_transfer(left_on, None) is False
