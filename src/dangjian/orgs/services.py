"""Every write to the organization tree: one function per use case, atomic, permission-checked, audited."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import audit, scoping, tree
from dangjian.core.errors import TransitionNotAllowed, ValidationFailed
from dangjian.members.models import Member

from . import rules
from .models import LeadershipPosition, Organization, OrgKind, Post

ORG_FIELDS = [
    "name",
    "code",
    "kind",
    "domain",
    "parent_id",
    "path",
    "established_on",
    "dissolved_on",
    "unit_count",
    "term_started_on",
    "term_years_override",
    "sort_order",
]
POSITION_FIELDS = ["post", "person_name", "member_id", "started_on", "ended_on", "end_reason", "decision_ref"]


# --- permissions -------------------------------------------------------------------------------------------


def _require_manager(actor, org: Organization, *, below_root: bool) -> None:
    """The actor manages `org`: it lies in their scope and, for structural changes, strictly below its root.

    Setting up, adjusting or dissolving an organization is decided by the organization above it
    (支部条例 ch. 2, RULES.md rules 7–8), so nobody restructures the organization their account is attached
    to, except the county organization department on its own tree.
    """
    scoping.require_tree_role(actor)
    if not scoping.in_scope(actor, org.path):
        raise PermissionDenied(_("该组织不在您的管理范围内"))
    if below_root and org.pk == actor.org_id and actor.role != "county_admin":
        raise PermissionDenied(_("本组织的设立、调整和撤销由上级党组织决定"))


def _require_may_create_under(actor, parent: Organization, kind: str) -> None:
    _require_manager(actor, parent, below_root=False)
    if actor.role == "branch_secretary" and kind != OrgKind.GROUP:
        raise PermissionDenied(_("党支部只能在本支部下划分党小组"))


def _check_parent(parent: Organization, kind: str, field: str = "parent") -> None:
    if parent.is_dissolved:
        raise ValidationFailed.field(
            field, _("上级组织“%(parent_name)s”已撤销") % {"parent_name": parent.name}
        )
    if not rules.may_contain(parent.kind, kind):
        raise ValidationFailed.field(
            field,
            _("%(parent_kind)s下不能设立%(kind_label)s")
            % {"parent_kind": parent.get_kind_display(), "kind_label": OrgKind(kind).label},
        )


def _check_code_free(code: str, exclude_pk: int | None = None) -> None:
    clash = Organization.objects.filter(code=code)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationFailed.field("code", _("组织编码“%(code)s”已被使用") % {"code": code})


# --- organizations -----------------------------------------------------------------------------------------


@transaction.atomic
def org_create(
    *,
    actor,
    parent: Organization,
    name: str,
    code: str,
    kind: str,
    domain: str,
    established_on: dt.date | None = None,
    unit_count: int = 1,
) -> Organization:
    _require_may_create_under(actor, parent, kind)
    name, code = name.strip(), code.strip()
    if not name:
        raise ValidationFailed.field("name", _("请填写组织名称"))
    if not code:
        raise ValidationFailed.field("code", _("请填写组织编码"))
    _check_parent(parent, kind)
    _check_code_free(code)
    if unit_count < 1:
        raise ValidationFailed.field("unit_count", _("覆盖单位数至少为 1"))
    if established_on and established_on > timezone.localdate():
        raise ValidationFailed.field("established_on", _("成立日期不能晚于今天"))
    last = Organization.objects.filter(parent=parent).order_by("-sort_order").first()
    org = Organization.objects.create(
        name=name,
        code=code,
        kind=kind,
        domain=domain,
        parent=parent,
        path="",
        depth=parent.depth + 1,
        established_on=established_on or timezone.localdate(),
        unit_count=unit_count,
        sort_order=(last.sort_order + 1) if last else 0,
    )
    org.path = tree.child_path(parent.path, org.pk)
    org.save(update_fields=["path"])
    audit.record(
        actor=actor,
        action="create",
        obj=org,
        org=org,
        summary=f"设立{org.get_kind_display()}",
        after=audit.snapshot(org, ORG_FIELDS),
    )
    return org


EDITABLE_FIELDS = {
    "name",
    "code",
    "domain",
    "established_on",
    "unit_count",
    "term_started_on",
    "term_years_override",
}


@transaction.atomic
def org_update(*, actor, org: Organization, **changes) -> Organization:
    """Rename an organization or correct its particulars (not its place in the tree: see org_move)."""
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise ValidationFailed(
            _("不能修改的字段：%(sorted_unknown)s") % {"sorted_unknown": "、".join(sorted(unknown))}
        )
    org = Organization.objects.select_for_update().get(pk=org.pk)
    structural = {"name", "code", "domain"} & set(changes)
    _require_manager(actor, org, below_root=bool(structural))
    if org.is_dissolved:
        raise TransitionNotAllowed(_("该组织已撤销，不能再修改"))
    if "name" in changes:
        changes["name"] = (changes["name"] or "").strip()
        if not changes["name"]:
            raise ValidationFailed.field("name", _("请填写组织名称"))
    if "code" in changes:
        changes["code"] = (changes["code"] or "").strip()
        if not changes["code"]:
            raise ValidationFailed.field("code", _("请填写组织编码"))
        _check_code_free(changes["code"], exclude_pk=org.pk)
    if changes.get("unit_count") is not None and changes["unit_count"] < 1:
        raise ValidationFailed.field("unit_count", _("覆盖单位数至少为 1"))
    if changes.get("established_on") and changes["established_on"] > timezone.localdate():
        raise ValidationFailed.field("established_on", _("成立日期不能晚于今天"))
    if changes.get("term_started_on") and changes["term_started_on"] > timezone.localdate():
        raise ValidationFailed.field("term_started_on", _("选举日期不能晚于今天"))
    before = audit.snapshot(org, ORG_FIELDS)
    for name, value in changes.items():
        setattr(org, name, value)
    org.save()
    after = audit.snapshot(org, ORG_FIELDS)
    if before != after:
        summary = (
            _("更名为“%(org_name)s”") % {"org_name": org.name}
            if before["name"] != after["name"]
            else _("修改组织信息")
        )
        audit.record(
            actor=actor, action="update", obj=org, org=org, summary=summary, before=before, after=after
        )
    return org


@transaction.atomic
def org_move(*, actor, org: Organization, new_parent: Organization) -> Organization:
    """Put an organization (and its whole subtree, with its members) under another parent."""
    org = Organization.objects.select_for_update().get(pk=org.pk)
    _require_manager(actor, org, below_root=True)
    _require_manager(actor, new_parent, below_root=False)
    if org.is_dissolved:
        raise TransitionNotAllowed(_("该组织已撤销，不能调整隶属关系"))
    if org.parent_id == new_parent.pk:
        raise ValidationFailed.field("parent", _("新的上级组织与原上级组织相同"))
    if tree.is_within(new_parent.path, org.path):
        raise ValidationFailed.field("parent", _("不能把组织调整到它自己或它的下级组织之下"))
    _check_parent(new_parent, org.kind)
    before = audit.snapshot(org, ORG_FIELDS)
    old_path, old_depth = org.path, org.depth
    new_path = tree.child_path(new_parent.path, org.pk)
    depth_shift = new_parent.depth + 1 - old_depth
    tail = Substr("path", len(old_path) + 1)
    Organization.objects.filter(tree.within(old_path)).update(
        path=Concat(Value(new_path), tail), depth=F("depth") + depth_shift
    )
    Member.objects.filter(tree.within(old_path, "org_path")).update(
        org_path=Concat(Value(new_path), Substr("org_path", len(old_path) + 1))
    )
    Organization.objects.filter(pk=org.pk).update(parent=new_parent)
    org.refresh_from_db()
    audit.record(
        actor=actor,
        action="move",
        obj=org,
        org=org,
        summary="调整隶属关系",
        before=before,
        after=audit.snapshot(org, ORG_FIELDS),
    )
    return org


@transaction.atomic
def org_dissolve(*, actor, org: Organization, dissolved_on: dt.date, reason: str) -> Organization:
    """撤销: only an empty organization (no active child organizations, no members) can be dissolved."""
    org = Organization.objects.select_for_update().get(pk=org.pk)
    _require_manager(actor, org, below_root=True)
    if org.is_dissolved:
        raise TransitionNotAllowed(
            _("该组织已于 %(dissolved_on)s 撤销") % {"dissolved_on": format(org.dissolved_on, "%Y-%m-%d")}
        )
    if not (reason or "").strip():
        raise ValidationFailed.field("reason", _("请填写撤销原因或批复文号"))
    if dissolved_on > timezone.localdate():
        raise ValidationFailed.field("dissolved_on", _("撤销日期不能晚于今天"))
    if org.established_on and dissolved_on < org.established_on:
        raise ValidationFailed.field("dissolved_on", _("撤销日期不能早于成立日期"))
    active_children = Organization.objects.active().filter(parent=org).count()
    if active_children:
        raise TransitionNotAllowed(
            _("该组织下还有 %(active_children)s 个组织，请先调整或撤销下级组织（支部条例 第二章）")
            % {"active_children": active_children}
        )
    members = Member.objects.counted().filter(org=org).count()
    if members:
        raise TransitionNotAllowed(
            _("该组织还有 %(members)s 名党员，请先转接其组织关系（教管条例 第25条）") % {"members": members}
        )
    before = audit.snapshot(org, ORG_FIELDS)
    org.dissolved_on = dissolved_on
    org.save(update_fields=["dissolved_on"])
    LeadershipPosition.objects.filter(org=org, ended_on__isnull=True).update(
        ended_on=dissolved_on, end_reason=_("组织撤销")
    )
    audit.record(
        actor=actor,
        action="dissolve",
        obj=org,
        org=org,
        summary=f"撤销：{reason.strip()}",
        before=before,
        after={**audit.snapshot(org, ORG_FIELDS), "reason": reason.strip()},
    )
    return org


# --- leadership team ---------------------------------------------------------------------------------------


@transaction.atomic
def position_appoint(
    *,
    actor,
    org: Organization,
    post: str,
    person_name: str = "",
    member: Member | None = None,
    started_on: dt.date,
    decision_ref: str = "",
) -> LeadershipPosition:
    """Record that someone took a post in the organization's leadership team (or as 党小组组长)."""
    _require_manager(actor, org, below_root=False)
    if org.is_dissolved:
        raise TransitionNotAllowed(_("该组织已撤销，不能任职"))
    if post not in Post.values:
        raise ValidationFailed.field("post", _("职务无效"))
    if (post == Post.GROUP_LEADER) != (org.kind == OrgKind.GROUP):
        raise ValidationFailed.field("post", _("党小组只设组长；党小组组长只能在党小组任职"))
    if member is not None:
        if not tree.is_within(member.org_path, _branch_path(org)):
            raise ValidationFailed.field("member", _("任职党员应为本组织（或其下级组织）的党员"))
        person_name = person_name or member.name
    person_name = (person_name or "").strip()
    if not person_name:
        raise ValidationFailed.field("person_name", _("请填写姓名或选择党员"))
    if started_on > timezone.localdate():
        raise ValidationFailed.field("started_on", _("任职日期不能晚于今天"))
    if org.established_on and started_on < org.established_on:
        raise ValidationFailed.field("started_on", _("任职日期不能早于组织成立日期"))
    if post == Post.SECRETARY:
        current = LeadershipPosition.objects.filter(
            org=org, post=Post.SECRETARY, ended_on__isnull=True
        ).first()
        if current is not None:
            raise TransitionNotAllowed(
                _("现任书记为%(person_name)s，请先办理其离任再任命新书记")
                % {"person_name": current.person_name}
            )
    order = list(Post.values).index(post)
    position = LeadershipPosition.objects.create(
        org=org,
        post=post,
        member=member,
        person_name=person_name,
        started_on=started_on,
        decision_ref=decision_ref.strip(),
        sort_order=order,
    )
    audit.record(
        actor=actor,
        action="appoint",
        obj=position,
        org=org,
        summary=f"{person_name}任{position.get_post_display()}",
        after=audit.snapshot(position, POSITION_FIELDS),
    )
    return position


def _branch_path(org: Organization) -> str:
    # A 党小组's members are recorded on its branch, so look one level up for a group.
    if org.kind == OrgKind.GROUP and org.parent is not None:
        return org.parent.path
    return org.path


@transaction.atomic
def position_end(
    *, actor, position: LeadershipPosition, ended_on: dt.date, reason: str = ""
) -> LeadershipPosition:
    position = LeadershipPosition.objects.select_for_update().select_related("org").get(pk=position.pk)
    _require_manager(actor, position.org, below_root=False)
    if position.ended_on is not None:
        raise TransitionNotAllowed(
            _("该任职已于 %(ended_on)s 结束") % {"ended_on": format(position.ended_on, "%Y-%m-%d")}
        )
    if ended_on < position.started_on:
        raise ValidationFailed.field("ended_on", _("离任日期不能早于任职日期"))
    if ended_on > timezone.localdate():
        raise ValidationFailed.field("ended_on", _("离任日期不能晚于今天"))
    before = audit.snapshot(position, POSITION_FIELDS)
    position.ended_on = ended_on
    position.end_reason = (reason or "").strip()
    try:
        position.save(update_fields=["ended_on", "end_reason"])
    except IntegrityError:
        raise ValidationFailed.field("ended_on", _("离任日期不能早于任职日期")) from None
    audit.record(
        actor=actor,
        action="end",
        obj=position,
        org=position.org,
        summary=f"{position.person_name}不再担任{position.get_post_display()}",
        before=before,
        after=audit.snapshot(position, POSITION_FIELDS),
    )
    return position
