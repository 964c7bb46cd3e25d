"""Every write leaves an audit entry; the table is append-only, in the model and in the database."""

import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction
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
