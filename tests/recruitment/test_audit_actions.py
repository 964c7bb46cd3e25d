"""What the audit trail calls each member-development event: a step and a withdrawal (transition), the
history import (import, and each imported case its own entry), and the files handed out that name people
(export): the due list, a case's Word documents, a branch's notice of candidates."""

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dangjian.core.models import AuditEntry
from dangjian.recruitment import importing, services
from dangjian.recruitment.models import DevelopmentCase

from ._flow import TIMETABLE

pytestmark = pytest.mark.django_db

D = dt.date


def case_entries(case) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(object_type="recruitment.developmentcase", object_id=str(case.pk)).order_by(
            "id"
        )
    )


def test_registering_is_create_and_each_step_a_transition(flow, personas, county):
    case = flow.new_case(person_name="张小明")
    case = flow.step(case, 2, talker_name="王书记")
    actions = [entry.action for entry in case_entries(case)]
    assert actions == ["create", "transition"]
    step = case_entries(case)[-1]
    assert (step.actor, step.org) == (personas.secretary, county.village_a1)
    assert step.after["step"] == 2 and "张小明" in step.summary


def test_withdrawing_a_case_is_a_transition(flow, personas):
    case = flow.new_case(person_name="李退出")
    services.case_withdraw(actor=personas.secretary, case=case, date=TIMETABLE[1], reason="本人申请撤回")
    entry = case_entries(case)[-1]
    assert entry.action == "transition" and entry.after["stage"] == "withdrawn"


def test_the_history_import_is_one_import_entry_and_one_create_per_case(client, api_for, county, personas):
    from .test_import import good_rows, workbook

    with time_machine.travel(dt.datetime(2026, 11, 28, 10, tzinfo=dt.UTC), tick=False):
        headers = api_for("secretary")
        upload = SimpleUploadedFile("history.xlsx", workbook(good_rows()), content_type=importing.XLSX)
        response = client.post("/api/v1/development/import", {"file": upload}, **headers)
    assert response.status_code == 201, response.content
    run = AuditEntry.objects.get(action="import")
    assert (run.actor, run.object_type, run.after["rows"]) == (personas.secretary, "recruitment.import", 5)
    for case in DevelopmentCase.objects.all():
        (entry,) = case_entries(case)
        assert entry.action == "create" and "历史数据导入" in entry.summary and entry.id < run.id
        assert entry.after["stage"] == case.stage and case.id_number not in str(entry.after)


def test_the_due_list_export_is_an_export_of_the_people_listed(flow, client_for, personas, county):
    flow.new_case(person_name="赵逾期", applied_on=D(2024, 1, 8))
    flow.at(D(2024, 3, 1))
    client = client_for("officer")
    before = AuditEntry.objects.count()
    assert client.get(reverse("recruitment:due_export"), {"days": 30}).status_code == 200
    assert AuditEntry.objects.count() == before + 1
    entry = AuditEntry.objects.latest("id")
    assert (entry.action, entry.actor, entry.org) == ("export", personas.officer, county.town_a)
    assert "1 人" in entry.summary and entry.after["days"] == 30


def test_a_case_document_and_a_branch_notice_are_exports(flow, client_for, personas, county):
    case = flow.to(flow.new_case(person_name="孙公示"), 13)
    client = client_for("secretary")
    assert client.get(reverse("recruitment:document_docx", args=[case.pk, "record"])).status_code == 200
    entry = case_entries(case)[-1]
    assert (entry.action, entry.actor, entry.org) == ("export", personas.secretary, county.village_a1)
    assert "孙公示" in entry.summary
    notice = client.get(
        reverse("recruitment:branch_notice_docx", args=[county.village_a1.pk]),
        {"on": f"{TIMETABLE[13]:%Y-%m-%d}"},
    )
    assert notice.status_code == 200
    entry = AuditEntry.objects.latest("id")
    assert (entry.action, entry.org) == ("export", county.village_a1) and "发展对象公示" in entry.summary


def test_a_document_out_of_scope_is_404_and_writes_nothing(flow, client_for):
    case = flow.new_case(person_name="周范围")
    client = client_for("secretary_b")
    before = AuditEntry.objects.count()
    assert client.get(reverse("recruitment:document_docx", args=[case.pk, "record"])).status_code == 404
    assert AuditEntry.objects.count() == before
