"""Every write leaves an audit entry; the table is append-only, in the model and in the database."""

import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from dangjian.core.models import AuditEntry
from dangjian.orgs import services

pytestmark = pytest.mark.django_db


def test_rename_records_who_what_before_and_after(personas, county):
    services.org_update(actor=personas.officer, org=county.village_a2, name="乙村党总支部")
    entry = AuditEntry.objects.get(object_type="orgs.organization", object_id=str(county.village_a2.pk))
    assert entry.actor == personas.officer
    assert entry.action == "update"
    assert entry.before["name"] == "乙村党支部" and entry.after["name"] == "乙村党总支部"
    assert ("name", "乙村党支部", "乙村党总支部") in entry.changes()
    assert entry.org_path == county.village_a2.path


def test_every_service_write_is_audited(personas, county):
    before = AuditEntry.objects.count()
    today = timezone.localdate()
    group = services.org_create(
        actor=personas.secretary,
        parent=county.village_a1,
        name="第二党小组",
        code="A1G2",
        kind="group",
        domain="rural",
        established_on=today - dt.timedelta(days=300),
    )
    position = services.position_appoint(
        actor=personas.secretary,
        org=group,
        post="group_leader",
        person_name="王芳",
        started_on=today - dt.timedelta(days=200),
    )
    services.position_end(
        actor=personas.secretary, position=position, ended_on=today - dt.timedelta(days=10), reason="调动"
    )
    services.org_dissolve(actor=personas.secretary, org=group, dissolved_on=today, reason="合并")
    services.org_move(actor=personas.admin, org=county.village_a2, new_parent=county.town_b)
    actions = list(AuditEntry.objects.order_by("id").values_list("action", flat=True)[before:])
    assert actions == ["create", "appoint", "end", "dissolve", "move"]


def test_model_refuses_to_change_or_delete_an_entry(personas, county):
    services.org_update(actor=personas.admin, org=county.town_a, name="甲镇委员会")
    entry = AuditEntry.objects.latest("id")
    entry.summary = "tampered"
    with pytest.raises(RuntimeError):
        entry.save()
    with pytest.raises(RuntimeError):
        entry.delete()


@pytest.mark.parametrize("sql", ["UPDATE core_auditentry SET summary = 'x'", "DELETE FROM core_auditentry"])
def test_database_refuses_to_change_or_delete_entries(personas, county, sql):
    services.org_update(actor=personas.admin, org=county.town_a, name="甲镇委员会")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    assert AuditEntry.objects.filter(summary="x").count() == 0
    assert AuditEntry.objects.count() >= 1


def test_a_refused_write_leaves_no_entry(personas, county):
    before = AuditEntry.objects.count()
    with pytest.raises(Exception):  # noqa: B017 - the kind is tested in test_org_services
        services.org_update(actor=personas.officer, org=county.village_a1, code="B1")
    assert AuditEntry.objects.count() == before


def test_signing_in_is_audited(client, personas):
    client.post("/accounts/login/", {"username": "xiangzhen", "password": "dangjian2026"})
    entry = AuditEntry.objects.filter(action="login").latest("id")
    assert entry.actor == personas.officer and entry.org_path == personas.officer.org.path


# --- the actions named for what happened ------------------------------------------------------------------------

NEW_ACTIONS = {
    # action → (label, words of the summary of the entry the `happenings` fixture writes with it)
    "hold": ("召开/办结", "登记召开"),
    "cancel": ("取消", "取消党员大会"),
    "delete": ("删除", "删除附件"),
    "import": ("导入", "导入花名册"),
    "export": ("导出", "导出党员花名册"),
    "transition": ("流程流转", "党籍异动"),
}


@pytest.fixture
def happenings(county, personas, settings, tmp_path):
    """One entry of each new action, written by the real services of 甲村党支部's secretary."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from dangjian.members.selectors.records import RosterFilters
    from dangjian.members.services import importing, status
    from dangjian.members.services.exporting import roster_export
    from dangjian.orglife import services as orglife
    from tests.factories import make_member
    from tests.members.test_import_workbooks import person, workbook

    settings.MEDIA_ROOT = tmp_path
    secretary, branch = personas.secretary, county.village_a1
    soon = timezone.localdate() + dt.timedelta(days=3)

    def planned(topic):
        return orglife.meeting_create(
            actor=secretary, org=branch, kind="assembly", state="planned", held_on=soon, topic=topic
        )

    orglife.meeting_hold(actor=secretary, meeting=planned("学习新修订的条例"), held_on=timezone.localdate())
    orglife.meeting_cancel(actor=secretary, meeting=planned("专题学习"), reason="改期")
    meeting = planned("民主评议")
    attached = orglife.meeting_file_add(
        actor=secretary,
        meeting=meeting,
        upload=SimpleUploadedFile("签到表.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64),
    )
    orglife.meeting_file_remove(actor=secretary, meeting_file=attached)
    importing.import_job_submit(actor=secretary, filename="甲村.xlsx", data=workbook([person()]))
    roster_export(actor=secretary, filters=RosterFilters(), masked=True)
    status.status_change_record(
        actor=secretary,
        member=make_member(branch, name="赵六"),
        kind="lost_contact",
        effective_on=timezone.localdate(),
        reason="半年以上联系不上",
    )


@pytest.mark.parametrize("action", list(NEW_ACTIONS))
def test_each_new_action_has_its_chinese_label(action):
    assert dict(AuditEntry.Action.choices)[action] == NEW_ACTIONS[action][0]


def test_the_real_services_write_each_new_action_for_the_branch(happenings, personas, county):
    for action, (_label, words) in NEW_ACTIONS.items():
        entry = AuditEntry.objects.get(action=action)
        assert words in entry.summary, action
        assert (entry.actor, entry.org) == (personas.secretary, county.village_a1), action


def test_the_audit_page_offers_every_action_in_its_filter(county, client_for):
    body = client_for("admin").get(reverse("core:audit_log")).content.decode()
    for action, (label, _words) in NEW_ACTIONS.items():
        assert f'<option value="{action}">{label}</option>' in body, action


@pytest.mark.parametrize("action", list(NEW_ACTIONS))
def test_the_audit_page_filters_by_each_new_action(happenings, client_for, action):
    body = client_for("admin").get(reverse("core:audit_log"), {"action": action}).content.decode()
    table = body.split('id="audit-results"')[1]
    label, words = NEW_ACTIONS[action]
    assert words in table and f">{label}</span>" in table
    for other, (_label, other_words) in NEW_ACTIONS.items():
        if other != action:
            assert other_words not in table, other


def test_the_organizations_history_shows_the_new_actions_by_their_labels(happenings, client_for, county):
    url = reverse("orgs:detail", args=[county.village_a1.pk]) + "?tab=history"
    body = client_for("admin").get(url).content.decode()
    for label, words in NEW_ACTIONS.values():
        assert f'<span class="badge badge-kind">{label}</span>' in body and words in body


def test_an_entry_without_a_signed_in_actor_keeps_no_address(county, personas, rf):
    from dangjian.core import audit

    request = rf.get("/", REMOTE_ADDR="198.51.100.4")
    anonymous = audit.record(actor=None, action="create", org=county.root, summary="匿名", request=request)
    signed_in = audit.record(actor=personas.admin, action="update", org=county.root, request=request)
    assert anonymous.ip is None and signed_in.ip == "198.51.100.4"
