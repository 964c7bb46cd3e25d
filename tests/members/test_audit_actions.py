"""What the audit trail calls each member-record event: a roster export (export, whoever exports it), an
import's error sheet downloaded (export), a transfer cancelled (cancel), status changes and a mobile
member's return (transition), a correction decided and a consultation answered (hold)."""

import datetime as dt
import io

import openpyxl
import pytest
import time_machine
from django.urls import reverse

from dangjian.core.models import AuditEntry
from dangjian.members.models import Member
from dangjian.members.services import mobile, selfservice, status, transfers
from dangjian.members.services.importing import import_job_submit

from ..factories import make_member
from .test_import_workbooks import person, workbook

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC), tick=False):
        yield


def latest(**filters) -> AuditEntry:
    return AuditEntry.objects.filter(**filters).latest("id")


def test_the_secretary_exporting_the_roster_leaves_an_export_with_who_where_and_how_many(
    county, personas, client_for
):
    client = client_for("secretary")
    before = AuditEntry.objects.count()
    response = client.get(reverse("member_import:export"), {"masked": "on"})
    assert response.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(min_row=4))
    on_rolls = Member.objects.filter(org=county.village_a1, status="active").count()
    assert len(rows) == on_rolls
    assert AuditEntry.objects.count() == before + 1
    entry = latest()
    assert (entry.action, entry.actor, entry.org) == ("export", personas.secretary, county.village_a1)
    assert entry.summary == f"导出党员花名册 {on_rolls} 人" and entry.after["count"] == on_rolls
    assert entry.object_type == "members.member" and entry.ip == "127.0.0.1"


def test_a_refused_export_writes_nothing(county, client_for):
    client = client_for("secretary")
    before = AuditEntry.objects.count()
    assert client.get(reverse("member_import:export"), {"within": county.village_b1.pk}).status_code == 404
    assert AuditEntry.objects.count() == before


def test_downloading_an_import_error_sheet_is_an_export(county, personas, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    job = import_job_submit(
        actor=personas.secretary, filename="甲村.xlsx", data=workbook([person(), person(民族="")])
    )
    client = client_for("secretary")
    assert client.get(reverse("member_import:job_errors", args=[job.pk])).status_code == 200
    entry = latest(action="export")
    assert (entry.actor, entry.object_type, entry.object_id) == (
        personas.secretary,
        "members.importjob",
        str(job.pk),
    )
    assert "甲村.xlsx" in entry.summary


def test_cancelling_a_transfer_letter_is_cancel(county, personas):
    member = make_member(county.village_a1, name="王建国")
    letter = transfers.transfer_issue(actor=personas.secretary, member=member, to_org=county.village_b1)
    transfers.transfer_cancel(actor=personas.secretary, transfer=letter, reason="开错了接收组织")
    entry = latest(object_type="members.transfer")
    assert (entry.action, entry.actor, entry.org) == ("cancel", personas.secretary, county.village_a1)
    assert entry.after["state"] == "cancelled"


def test_a_status_change_is_a_transition(county, personas):
    member = make_member(county.village_a1, name="赵六")
    status.status_change_record(
        actor=personas.secretary,
        member=member,
        kind="lost_contact",
        effective_on=dt.date(2026, 3, 1),
        reason="半年以上联系不上",
    )
    entry = latest(object_type="members.statuschange")
    assert (entry.action, entry.org) == ("transition", county.village_a1) and "失去联系" in entry.summary


def test_a_mobile_member_coming_back_is_a_transition(county, personas):
    member = make_member(county.village_a1, name="刘洋")
    record = mobile.mobile_outflow_record(
        actor=personas.secretary,
        member=member,
        left_on=dt.date(2026, 1, 5),
        destination="丙镇工业园",
        host_org=county.village_b1,
    )
    assert latest(object_type="members.mobilerecord").action == "create"
    mobile.mobile_return_record(actor=personas.secretary, record=record, returned_on=dt.date(2026, 3, 1))
    entry = latest(object_type="members.mobilerecord")
    assert entry.action == "transition" and entry.after["state"] == "returned"


@pytest.mark.parametrize("decision", ["approve", "reject"])
def test_a_correction_decided_is_hold(county, personas, decision):
    correction = selfservice.correction_request_submit(
        actor=personas.member, field="job_title", requested_value="会计", reason="岗位调整"
    )
    assert latest(object_type="members.correctionrequest").action == "create"
    if decision == "approve":
        selfservice.correction_approve(actor=personas.secretary, correction=correction)
    else:
        selfservice.correction_reject(actor=personas.secretary, correction=correction, note="请提供证明")
    entry = latest(object_type="members.correctionrequest")
    assert (entry.action, entry.actor) == ("hold", personas.secretary)


def test_a_consultation_answered_is_hold(county, personas):
    question = selfservice.consultation_ask(actor=personas.member, subject="党费", question="每月何时交纳？")
    selfservice.consultation_answer(actor=personas.secretary, consultation=question, answer="每月 10 日前。")
    entry = latest(object_type="members.consultation")
    assert (entry.action, entry.actor, entry.org) == ("hold", personas.secretary, county.village_a1)
