"""A member's timeline (历程) gathers everything that happened to them, newest first."""

import datetime as dt

import pytest

from dangjian.members.models import CorrectionRequest, MobileRecord, StatusChange, Transfer
from dangjian.members.selectors import records as selectors
from dangjian.members.services import records

pytestmark = pytest.mark.django_db


def test_timeline_gathers_every_kind_of_event(county, personas):
    member = county.own_member  # joined 2005-07-01
    records.member_update(actor=personas.secretary, member=member, converted_on=dt.date(2006, 7, 1))
    member.refresh_from_db()
    StatusChange.objects.create(
        member=member,
        kind="lost_contact",
        from_status="active",
        to_status="lost_contact",
        effective_on=dt.date(2024, 3, 1),
        reason="外出务工后失去联系",
        approved_by="甲镇党委",
    )
    Transfer.objects.create(
        member=member,
        kind="internal",
        from_org=county.village_a1,
        to_org=county.village_b1,
        letter_no="旌组转〔2025〕第0001号",
        issued_on=dt.date(2025, 1, 10),
        valid_until=dt.date(2025, 4, 10),
        dues_paid_until=dt.date(2025, 1, 1),
        state="received",
        received_on=dt.date(2025, 1, 20),
    )
    MobileRecord.objects.create(
        member=member,
        home_org=county.village_a1,
        left_on=dt.date(2023, 5, 1),
        destination="江苏省苏州市",
        host_text="苏州某园区党委",
        state="returned",
        returned_on=dt.date(2023, 10, 1),
    )
    CorrectionRequest.objects.create(
        member=member, field="education", current_value="", requested_value="21", reason="取得学历"
    )
    events = selectors.member_timeline(user=personas.admin, member=member)
    titles = [event.title for event in events]
    assert titles[-1] == "入党（成为预备党员）" and titles[-2] == "转为正式党员"
    days = [event.on for event in events]
    assert days == sorted(days, reverse=True)
    by_title = {event.title: event for event in events}
    assert "外出务工后失去联系" in by_title["党籍异动：失去联系"].detail
    assert "甲镇党委" in by_title["党籍异动：失去联系"].detail
    assert by_title["党籍异动：失去联系"].badge == "正常 → 失联"
    assert "甲村党支部 → 丙村党支部" in by_title["开具组织关系介绍信"].detail
    assert by_title["组织关系已接收"].on == dt.date(2025, 1, 20)
    assert "江苏省苏州市" in by_title["外出流动"].detail and "苏州某园区党委" in by_title["外出流动"].detail
    assert by_title["流动党员返回"].on == dt.date(2023, 10, 1)
    assert by_title["申请更正档案信息"].detail == "学历：— → 大学本科"
    corrected = by_title["修改党员档案"]
    assert corrected.changes == [{"label": "转正日期", "before": "—", "after": "2006-07-01"}]


def test_reveals_stay_out_of_the_timeline_but_not_out_of_the_history(county, personas):
    member = county.own_member
    records.member_reveal(actor=personas.admin, member=member)
    assert all(
        "查看" not in event.title for event in selectors.member_timeline(user=personas.admin, member=member)
    )
    history = selectors.member_history(user=personas.admin, member=member)
    assert [entry.action for entry in history] == ["reveal"]


def test_history_includes_entries_about_the_members_transfers(county, personas):
    from dangjian.core import audit

    member = county.own_member
    transfer = Transfer.objects.create(
        member=member,
        kind="outgoing",
        from_org=county.village_a1,
        destination_text="外省某党委",
        letter_no="旌组转〔2025〕第0002号",
        issued_on=dt.date(2025, 2, 1),
        valid_until=dt.date(2025, 5, 1),
        dues_paid_until=dt.date(2025, 2, 1),
    )
    audit.record(
        actor=personas.secretary, action="create", obj=transfer, org=county.village_a1, summary="开具介绍信"
    )
    history = selectors.member_history(user=personas.admin, member=member)
    assert [entry.summary for entry in history] == ["开具介绍信"]
