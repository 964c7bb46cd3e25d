"""Publishing, changing and withdrawing items through the services: who may, what is checked, what is logged.
Every refusal leaves nothing written and no log entry."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from dangjian.core.errors import TransitionNotAllowed, ValidationFailed
from dangjian.core.models import AuditEntry
from dangjian.disclosure import services
from dangjian.disclosure.models import DisclosureItem

from .conftest import TODAY

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _fields(**changes):
    return {
        "category": "dues",
        "title": "2026 年第一季度党费收缴情况",
        "body": "应交 10 人，实交 10 人。",
        "publish_on": TODAY,
        "expires_on": TODAY + dt.timedelta(days=30),
        **changes,
    }


@pytest.mark.parametrize("who", ["admin", "officer", "secretary"])
def test_secretaries_officers_and_the_admin_publish_within_their_scope(personas, county, clock, who):
    audits = AuditEntry.objects.count()
    item = services.item_publish(actor=getattr(personas, who), org=county.village_a1, **_fields())
    assert item.org_path == county.village_a1.path and item.published_by == getattr(personas, who)
    assert AuditEntry.objects.count() == audits + 1
    entry = AuditEntry.objects.latest("id")
    assert entry.action == "create" and entry.object_id == str(item.pk) and entry.after["category"] == "dues"


@pytest.mark.parametrize(
    ("who", "org"), [("secretary_b", "village_a1"), ("secretary", "village_a2"), ("officer", "village_b1")]
)
def test_nobody_publishes_outside_their_scope(personas, county, clock, who, org):
    with pytest.raises(PermissionDenied):
        services.item_publish(actor=getattr(personas, who), org=getattr(county, org), **_fields())
    assert (
        not DisclosureItem.objects.exists()
        and not AuditEntry.objects.filter(object_type="disclosure.disclosureitem").exists()
    )


@pytest.mark.parametrize("who", ["member", "reviewer"])
def test_members_and_reviewers_do_not_publish(personas, county, clock, who):
    with pytest.raises(PermissionDenied):
        services.item_publish(actor=getattr(personas, who), org=county.village_a1, **_fields())
    assert not DisclosureItem.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"expires_on": TODAY}, "expires_on"),
        ({"expires_on": TODAY - dt.timedelta(days=3)}, "expires_on"),
        ({"publish_on": TODAY - dt.timedelta(days=1)}, "publish_on"),
        ({"title": "   "}, "title"),
        ({"title": "题" * 201}, "title"),
        ({"body": ""}, "body"),
        ({"category": "gossip"}, "category"),
    ],
)
def test_bad_input_is_refused_with_the_field_named_and_nothing_stored(
    personas, county, clock, changes, field
):
    with pytest.raises(ValidationFailed) as refused:
        services.item_publish(actor=personas.admin, org=county.village_a1, **_fields(**changes))
    assert refused.value.errors[0]["field"] == field
    assert not DisclosureItem.objects.exists() and AuditEntry.objects.count() == 0


def test_an_attachment_is_checked_and_kept_under_a_random_name(personas, county, clock, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("身份证复印件-张三.pdf", PDF, content_type="application/pdf")
    item = services.item_publish(actor=personas.admin, org=county.village_a1, attachment=upload, **_fields())
    assert item.attachment_name == "身份证复印件-张三.pdf" and item.attachment_size == len(PDF)
    assert "张三" not in item.attachment.name and item.attachment.name.endswith(".pdf")
    fake = SimpleUploadedFile("决定.pdf", b"MZ not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationFailed) as refused:
        services.item_publish(actor=personas.admin, org=county.village_a1, attachment=fake, **_fields())
    assert refused.value.errors[0]["field"] == "attachment"
    assert DisclosureItem.objects.count() == 1


def test_a_dissolved_organization_publishes_nothing(personas, county, clock):
    county.village_a2.dissolved_on = dt.date(2026, 1, 1)
    county.village_a2.save()
    with pytest.raises(ValidationFailed):
        services.item_publish(actor=personas.admin, org=county.village_a2, **_fields())


def test_an_item_changes_before_it_goes_live_and_not_after(personas, county, clock, publish):
    item = publish(publish_on=TODAY + dt.timedelta(days=1), expires_on=TODAY + dt.timedelta(days=8))
    audits = AuditEntry.objects.count()
    changed = services.item_update(
        actor=personas.secretary, item=item, title="更正后的标题", category="result"
    )
    assert (changed.title, changed.category) == ("更正后的标题", "result")
    assert AuditEntry.objects.count() == audits + 1
    entry = AuditEntry.objects.latest("id")
    assert entry.before["title"] == "关于村级活动场所改造的决定" and entry.after["title"] == "更正后的标题"
    clock.move_to(TODAY + dt.timedelta(days=1))
    with pytest.raises(TransitionNotAllowed, match="第十五条"):
        services.item_update(actor=personas.secretary, item=item, title="公开后再改")
    item.refresh_from_db()
    assert item.title == "更正后的标题" and AuditEntry.objects.count() == audits + 1


def test_a_change_keeps_the_period_rules(personas, county, clock, publish):
    item = publish(publish_on=TODAY + dt.timedelta(days=2), expires_on=TODAY + dt.timedelta(days=9))
    with pytest.raises(ValidationFailed) as refused:
        services.item_update(actor=personas.admin, item=item, expires_on=TODAY + dt.timedelta(days=2))
    assert refused.value.errors[0]["field"] == "expires_on"
    item.refresh_from_db()
    assert item.expires_on == TODAY + dt.timedelta(days=9)


def test_a_withdrawal_keeps_the_item_with_who_when_and_why(personas, county, clock, publish):
    item = publish()
    with pytest.raises(ValidationFailed):
        services.item_withdraw(actor=personas.secretary, item=item, reason="  ")
    withdrawn = services.item_withdraw(actor=personas.secretary, item=item, reason="数据有误，更正后重新公开")
    assert withdrawn.withdrawn_by == personas.secretary and withdrawn.withdrawn_at is not None
    assert withdrawn.withdraw_reason == "数据有误，更正后重新公开"
    entry = AuditEntry.objects.latest("id")
    assert (entry.action, entry.actor, entry.object_id) == ("transition", personas.secretary, str(item.pk))
    assert entry.summary == "撤回党务公开事项"
    with pytest.raises(TransitionNotAllowed, match="已经撤回"):
        services.item_withdraw(actor=personas.admin, item=item, reason="再撤一次")
    with pytest.raises(TransitionNotAllowed):
        services.item_update(actor=personas.admin, item=item, title="撤回后修改")


def test_an_expired_item_needs_no_withdrawal(personas, county, clock, publish):
    item = publish(expires_on=TODAY + dt.timedelta(days=1))
    clock.move_to(TODAY + dt.timedelta(days=2))
    with pytest.raises(TransitionNotAllowed, match="截止日期"):
        services.item_withdraw(actor=personas.admin, item=item, reason="已过期")


def test_only_those_in_scope_change_or_withdraw(personas, county, clock, publish):
    item = publish(publish_on=TODAY + dt.timedelta(days=3), expires_on=TODAY + dt.timedelta(days=9))
    with pytest.raises(PermissionDenied):
        services.item_update(actor=personas.secretary_b, item=item, title="越权修改")
    with pytest.raises(PermissionDenied):
        services.item_withdraw(actor=personas.secretary_b, item=item, reason="越权撤回")
    item.refresh_from_db()
    assert item.title == "关于村级活动场所改造的决定" and item.withdrawn_at is None
