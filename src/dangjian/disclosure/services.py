"""Every write of the disclosure board: publish an item, change it before it goes live, withdraw it.

Branch secretaries publish for their branch, committee officers and the county admin for any organization in
their scope. Each write is checked (role, scope, rules), done in one transaction and audited.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import audit, scoping, uploads
from dangjian.core.errors import TransitionNotAllowed, ValidationFailed
from dangjian.orgs.models import Organization

from . import rules
from .models import Category, DisclosureItem

FIELDS = [
    "org_id",
    "category",
    "title",
    "body",
    "publish_on",
    "expires_on",
    "attachment_name",
    "withdrawn_at",
    "withdraw_reason",
]


def today() -> dt.date:
    return timezone.localdate()


def _require_publisher(actor, org: Organization) -> None:
    scoping.require_tree_role(actor)
    if not scoping.in_scope(actor, org.path):
        raise PermissionDenied(_("该组织不在您的管理范围内"))


def _checked_text(field: str, value: str, limit: int, missing: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationFailed.field(field, missing)
    if len(value) > limit:
        raise ValidationFailed.field(field, _("最多 %(n)d 个字") % {"n": limit})
    return value


def _check_fields(*, category: str, title: str, body: str) -> tuple[str, str]:
    if category not in Category.values:
        raise ValidationFailed.field("category", _("请选择公开类别"))
    title = _checked_text("title", title, rules.TITLE_MAX, _("请填写标题"))
    body = _checked_text("body", body, rules.BODY_MAX, _("请填写公开内容"))
    return title, body


def _check_period(publish_on: dt.date, expires_on: dt.date) -> None:
    problems = rules.period_problems(publish_on, expires_on, today())
    if problems:
        errors = [{"field": field, "message": message} for field, message in problems.items()]
        raise ValidationFailed(errors[0]["message"], errors)


def _attach(item: DisclosureItem, upload: UploadedFile) -> None:
    original = uploads.check_upload(upload, field="attachment")
    item.attachment = upload
    item.attachment_name = original[:200]
    item.attachment_size = upload.size


@transaction.atomic
def item_publish(
    *,
    actor,
    org: Organization,
    category: str,
    title: str,
    body: str,
    publish_on: dt.date,
    expires_on: dt.date,
    attachment: UploadedFile | None = None,
) -> DisclosureItem:
    """Put an item on the board of `org` (and the boards above it) from `publish_on` through `expires_on`."""
    _require_publisher(actor, org)
    if org.dissolved_on is not None:
        raise ValidationFailed.field("org", _("该组织已撤销，不能发布公开事项"))
    title, body = _check_fields(category=category, title=title, body=body)
    _check_period(publish_on, expires_on)
    item = DisclosureItem(
        org=org,
        org_path=org.path,
        category=category,
        title=title,
        body=body,
        publish_on=publish_on,
        expires_on=expires_on,
        published_by=actor,
    )
    if attachment is not None:
        _attach(item, attachment)
    item.save()
    audit.record(actor=actor, action="create", obj=item, org=org, after=audit.snapshot(item, FIELDS))
    return item


def _locked(item: DisclosureItem) -> DisclosureItem:
    return DisclosureItem.objects.select_for_update(of=("self",)).select_related("org").get(pk=item.pk)


@transaction.atomic
def item_update(
    *,
    actor,
    item: DisclosureItem,
    category: str | None = None,
    title: str | None = None,
    body: str | None = None,
    publish_on: dt.date | None = None,
    expires_on: dt.date | None = None,
    attachment: UploadedFile | None = None,
    remove_attachment: bool = False,
) -> DisclosureItem:
    """Change an item that is not public yet (fields left None stay as they are)."""
    _require_publisher(actor, item.org)
    item = _locked(item)
    if not rules.may_update(item.publish_on, item.is_withdrawn, today()):
        raise TransitionNotAllowed(
            _("已公开或已撤回的事项不能修改；如需更正，请撤回后重新发布（党务公开条例（试行）第十五条）")
        )
    before = audit.snapshot(item, FIELDS)
    title, body = _check_fields(
        category=item.category if category is None else category,
        title=item.title if title is None else title,
        body=item.body if body is None else body,
    )
    publish_on = item.publish_on if publish_on is None else publish_on
    expires_on = item.expires_on if expires_on is None else expires_on
    _check_period(publish_on, expires_on)
    item.category = item.category if category is None else category
    item.title, item.body = title, body
    item.publish_on, item.expires_on = publish_on, expires_on
    old_file = item.attachment.name if item.attachment else ""
    if attachment is not None:
        _attach(item, attachment)
    elif remove_attachment:
        item.attachment, item.attachment_name, item.attachment_size = "", "", 0
    item.save()
    if old_file and item.attachment.name != old_file:
        storage = item.attachment.storage
        transaction.on_commit(lambda: storage.delete(old_file))
    after = audit.snapshot(item, FIELDS)
    if after == before:
        return item
    audit.record(actor=actor, action="update", obj=item, org=item.org, before=before, after=after)
    return item


@transaction.atomic
def item_withdraw(*, actor, item: DisclosureItem, reason: str) -> DisclosureItem:
    """Take an item off the board (kept, with who withdrew it, when and why)."""
    _require_publisher(actor, item.org)
    item = _locked(item)
    if item.is_withdrawn:
        raise TransitionNotAllowed(_("该事项已经撤回"))
    if not rules.may_withdraw(item.expires_on, item.is_withdrawn, today()):
        raise TransitionNotAllowed(_("该事项已过截止日期，不再公开，无需撤回"))
    reason = _checked_text("reason", reason, rules.REASON_MAX, _("请填写撤回原因"))
    before = audit.snapshot(item, FIELDS)
    item.withdrawn_at = timezone.now()
    item.withdrawn_by = actor
    item.withdraw_reason = reason
    item.save(update_fields=["withdrawn_at", "withdrawn_by", "withdraw_reason", "updated_at"])
    audit.record(
        actor=actor,
        action="transition",
        obj=item,
        org=item.org,
        summary=_("撤回党务公开事项"),
        before=before,
        after=audit.snapshot(item, FIELDS),
    )
    return item
