"""What the audit trail calls each organizational-life event: a meeting held (hold), cancelled (cancel), a
file attached (create) or deleted (delete); and every hand-out of a file naming people (export): the
meeting record (page and API), the ledger and the compliance export."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dangjian.core.models import AuditEntry
from dangjian.orglife import services

from ._meetings import days, everyone, held, members_of

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def planned(personas, county, topic: str = "学习党章"):
    return services.meeting_create(
        actor=personas.secretary,
        org=county.village_a1,
        kind="assembly",
        state="planned",
        held_on=days(3),
        topic=topic,
    )


def latest() -> AuditEntry:
    return AuditEntry.objects.latest("id")


def test_holding_a_planned_meeting_is_a_hold_entry_with_before_and_after(county, personas):
    meeting = planned(personas, county)
    services.meeting_hold(
        actor=personas.secretary,
        meeting=meeting,
        held_on=days(0),
        attendees=everyone(members_of(county.village_a1)),
    )
    entry = latest()
    assert (entry.action, entry.actor, entry.org) == ("hold", personas.secretary, county.village_a1)
    assert entry.object_id == str(meeting.pk) and "登记召开" in entry.summary
    assert entry.before["state"] == "planned" and entry.after["state"] == "held"
    assert entry.get_action_display() == "召开/办结"


def test_cancelling_a_planned_meeting_is_a_cancel_entry(county, personas):
    meeting = planned(personas, county)
    services.meeting_cancel(actor=personas.secretary, meeting=meeting, reason="改期")
    entry = latest()
    assert (entry.action, entry.actor, entry.org) == ("cancel", personas.secretary, county.village_a1)
    assert "改期" in entry.summary and entry.after["state"] == "cancelled"


def test_a_file_attached_is_create_and_deleted_is_delete(county, personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    meeting = held(personas.secretary, county.village_a1)
    stored = services.meeting_file_add(
        actor=personas.secretary, meeting=meeting, upload=SimpleUploadedFile("签到表.png", PNG)
    )
    assert latest().action == "create"
    services.meeting_file_remove(actor=personas.secretary, meeting_file=stored)
    entry = latest()
    assert (entry.action, entry.object_id, entry.org) == ("delete", str(meeting.pk), county.village_a1)
    assert "签到表.png" in entry.summary and entry.before["name"] == "签到表.png"


def test_the_meeting_history_shows_hold_and_cancel_with_their_labels_and_changes(
    county, personas, client_for
):
    kept = planned(personas, county, topic="主题党日筹备")
    services.meeting_hold(actor=personas.secretary, meeting=kept, held_on=days(0))
    page = client_for("secretary").get(reverse("orglife:meeting_detail", args=[kept.pk]) + "?tab=history")
    body = page.content.decode()
    assert "召开/办结" in body and "change-table" in body  # the state planned → held is shown
    dropped = planned(personas, county, topic="改期的会议")
    services.meeting_cancel(actor=personas.secretary, meeting=dropped, reason="上级安排冲突")
    page = client_for("secretary").get(reverse("orglife:meeting_detail", args=[dropped.pk]) + "?tab=history")
    assert "取消" in page.content.decode() and "上级安排冲突" in page.content.decode()


@pytest.mark.parametrize("via", ["page", "api"])
def test_downloading_the_meeting_record_is_an_export_naming_who_and_how_many(
    county, personas, client_for, client, api_for, via
):
    people = members_of(county.village_a1)
    meeting = held(personas.secretary, county.village_a1, attendees=everyone(people))
    signed_in = client_for("secretary") if via == "page" else client
    headers = {} if via == "page" else api_for("secretary")
    url = (
        reverse("orglife:meeting_record_docx", args=[meeting.pk])
        if via == "page"
        else f"/api/v1/meetings/{meeting.pk}/record"
    )
    before = AuditEntry.objects.count()
    response = signed_in.get(url, **headers)
    assert response.status_code == 200
    exports = AuditEntry.objects.filter(action="export")
    assert AuditEntry.objects.count() == before + 1 and exports.count() == 1
    entry = exports.get()
    assert (entry.actor, entry.org, entry.object_id) == (
        personas.secretary,
        county.village_a1,
        str(meeting.pk),
    )
    assert f"列出参会人员 {len(people)} 人" in entry.summary


def test_a_record_out_of_scope_is_404_and_writes_nothing(county, personas, client_for):
    meeting = held(personas.secretary, county.village_a1)
    response = client_for("secretary_b").get(reverse("orglife:meeting_record_docx", args=[meeting.pk]))
    assert response.status_code == 404
    assert not AuditEntry.objects.filter(action="export").exists()


def test_the_ledger_and_the_compliance_export_are_exports(county, personas, client_for):
    held(personas.secretary, county.village_a1, attendees=everyone(members_of(county.village_a1)))
    year = dt.date.today().year
    client = client_for("secretary")
    ledger = client.get(reverse("orglife:compliance:ledger"), {"org": county.village_a1.pk, "year": year})
    assert ledger.status_code == 200
    entry = AuditEntry.objects.get(action="export")
    assert (entry.actor, entry.org) == (personas.secretary, county.village_a1)
    assert "组织生活台账" in entry.summary and entry.after["members"] == len(members_of(county.village_a1))
    heatmap = client_for("officer").get(reverse("orglife:compliance:export"), {"year": year})
    assert heatmap.status_code == 200
    entry = AuditEntry.objects.filter(action="export").latest("id")
    assert (entry.actor, entry.org) == (
        personas.officer,
        county.town_a,
    ) and "组织生活落实情况" in entry.summary
