"""Reads of member records: the roster (花名册), one member with their timeline, history and files.

Every query starts from `core.scoping.scoped(..., path_field="org_path")`: a member outside the user's
subtree does not exist for them.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import idnumber, scoping, tree
from dangjian.core.crypto import lookup_hash
from dangjian.core.models import AuditEntry
from dangjian.orgs.models import Organization, OrgKind

from .. import rules
from ..codes import DEGREES, EDUCATION, ETHNICITIES, OCCUPATIONS, translated
from ..models import (
    GONE_STATUSES,
    Category,
    CorrectionRequest,
    Gender,
    Member,
    MemberFile,
    MobileRecord,
    Status,
    StatusChange,
    Transfer,
    TransferKind,
)

PAGE_SIZE = 50
COUNT_CAP = 100_000  # beyond this the roster says "100,000+" instead of counting every row

# Roster status filter: "" = members on the rolls (not left, deceased or transferred out), "all" = everyone.
ON_ROLLS = ""
EVERYONE = "all"


# --- ages as birth-date ranges ------------------------------------------------------------------------------


def latest_birth_for_age(age: int, today: dt.date) -> dt.date:
    """The latest birth date of someone who is at least `age` today (members.rules.age_on)."""
    try:
        return today.replace(year=today.year - age)
    except ValueError:  # today is 29 February and that year has none: born on the 28th they are of age
        return dt.date(today.year - age, 2, 28)


def birth_range(low: int | None, high: int | None, today: dt.date) -> Q:
    """Members whose age today lies in [low, high] (either end open), as a condition on birth_date."""
    condition = Q()
    if low is not None:
        condition &= Q(birth_date__lte=latest_birth_for_age(low, today))
    if high is not None:
        condition &= Q(birth_date__gt=latest_birth_for_age(high + 1, today))
    return condition


# --- fetching one member ------------------------------------------------------------------------------------


def scoped_members(user) -> QuerySet[Member]:
    return scoping.scoped(Member.objects.all(), user, "org_path")


def get_member_or_404(user, pk) -> Member:
    scoping.require_tree_role(user)
    try:
        return scoped_members(user).select_related("org", "party_group").get(pk=pk)
    except (Member.DoesNotExist, ValueError, TypeError):
        raise Http404(_("党员不存在或不在您的管理范围内")) from None


def branches_within(*, user, root: Organization | None = None) -> QuerySet[Organization]:
    """Active 党支部 in the user's scope (members are registered on branches)."""
    queryset = scoping.scoped(Organization.objects.active().filter(kind=OrgKind.BRANCH), user)
    if root is not None:
        queryset = queryset.filter(tree.within(root.path))
    return queryset


def groups_of(branch: Organization) -> QuerySet[Organization]:
    return (
        Organization.objects.active().filter(parent=branch, kind=OrgKind.GROUP).order_by("sort_order", "id")
    )


# --- the roster ---------------------------------------------------------------------------------------------


@dataclass
class RosterFilters:
    within: Organization | None = None
    q: str = ""
    status: str = ON_ROLLS
    category: str = ""
    gender: str = ""
    education: str = ""
    ethnicity: str = ""
    domain: str = ""
    age_min: int | None = None
    age_max: int | None = None

    def is_filtered(self) -> bool:
        return any(
            [
                self.q,
                self.status != ON_ROLLS,
                self.category,
                self.gender,
                self.education,
                self.ethnicity,
                self.domain,
                self.age_min is not None,
                self.age_max is not None,
            ]
        )


def looks_like_id_number(text: str) -> bool:
    text = idnumber.normalize(text)
    return len(text) == 18 and text[:17].isdigit() and (text[17].isdigit() or text[17] == "X")


def _subtree(path: str, *, roster_order: bool) -> Q:
    if roster_order and connection.vendor == "sqlite":
        # SQLite cannot estimate how much of the table an org_path range holds. For a large subtree, a LIKE
        # (which its plain index does not serve) leaves the planner walking member_roster_idx in roster
        # order and stopping after one page, instead of sorting the whole subtree.
        return Q(org_path__startswith=path)
    return tree.within(path, "org_path")


def members_within(
    *, user, filters: RosterFilters, today: dt.date | None = None, roster_order: bool = False
) -> QuerySet[Member]:
    """Members in the user's scope matching the roster's filters (unordered).

    `within` narrows the scope to a subtree (nothing when it lies outside the user's scope); `roster_order`
    shapes the subtree condition for reading a large subtree in stroke order (see `roster`).
    """
    today = today or timezone.localdate()
    root = filters.within
    if root is None:
        path = scoping.scope_path(user)
        if path is None:
            return Member.objects.none()
        queryset = scoping.scoped(Member.objects.all(), user, "org_path")
        if roster_order:
            queryset = Member.objects.filter(_subtree(path, roster_order=True))
    elif not scoping.in_scope(user, root.path):
        return Member.objects.none()
    elif root.kind == OrgKind.GROUP:
        # A 党小组's members are registered on its branch and assigned to the group.
        queryset = Member.objects.filter(party_group=root)
    else:
        queryset = Member.objects.filter(_subtree(root.path, roster_order=roster_order))
    if filters.status == ON_ROLLS:
        queryset = queryset.exclude(status__in=GONE_STATUSES)
    elif filters.status != EVERYONE:
        queryset = queryset.filter(status=filters.status)
    if filters.category:
        queryset = queryset.filter(category=filters.category)
    if filters.gender:
        queryset = queryset.filter(gender=filters.gender)
    if filters.education:
        queryset = queryset.filter(education=filters.education)
    if filters.ethnicity == "minority":
        queryset = queryset.exclude(ethnicity="01")
    elif filters.ethnicity:
        queryset = queryset.filter(ethnicity=filters.ethnicity)
    if filters.domain:
        queryset = queryset.filter(org__domain=filters.domain)
    if filters.age_min is not None or filters.age_max is not None:
        queryset = queryset.filter(birth_range(filters.age_min, filters.age_max, today))
    q = filters.q.strip()
    if q:
        # An exact ID number is found through its keyed hash; anything else is part of a name.
        queryset = (
            queryset.filter(id_hash=lookup_hash(q))
            if looks_like_id_number(q)
            else queryset.filter(name__icontains=q)
        )
    return queryset


LARGE_SUBTREE = 20_000  # members on the rolls beyond which the roster reads in index order (SQLite)


def roster_queryset(*, user, filters: RosterFilters, today: dt.date | None = None) -> QuerySet[Member]:
    """The members of `members_within`, shaped for reading in stroke order (name_key, id).

    A small subtree is read through the (org_path, …) index and sorted (a few thousand rows at most); a
    large one is read along member_roster_idx until a page is full, so the first page and a deep keyset page
    of a million members cost the same few milliseconds.
    """
    if looks_like_id_number(filters.q):
        large = False  # one member at most, found through the keyed hash's unique index
    else:
        plain = members_within(user=user, filters=RosterFilters(within=filters.within), today=today)
        large = plain.order_by()[LARGE_SUBTREE : LARGE_SUBTREE + 1].exists()
    return members_within(user=user, filters=filters, today=today, roster_order=large).order_by(
        "name_key", "pk"
    )


def roster(
    *,
    user,
    filters: RosterFilters,
    after: str | None = None,
    before: str | None = None,
    today: dt.date | None = None,
) -> "RosterPage":
    """One page of the roster in stroke order, continued from a keyset cursor."""
    return roster_page(roster_queryset(user=user, filters=filters, today=today), after=after, before=before)


def age_today(member: Member, today: dt.date | None = None) -> int:
    return rules.age_on(member.birth_date, today or timezone.localdate())


@dataclass
class RosterPage:
    rows: list[Member]
    next_cursor: str | None = None  # continue after the last row
    prev_cursor: str | None = None  # go back before the first row
    first: bool = True


def cursor_of(member: Member) -> str:
    return f"{member.name_key}.{member.pk}"


def parse_cursor(value: str | None) -> tuple[str, int] | None:
    if not value or "." not in value:
        return None
    key, _sep, pk = value.rpartition(".")
    if not key.isdigit() and key != "":
        return None
    try:
        return key, int(pk)
    except ValueError:
        return None


def roster_page(
    queryset: QuerySet[Member],
    *,
    after: str | None = None,
    before: str | None = None,
    size: int | None = None,
) -> RosterPage:
    """One page in stroke order (name_key, id), continued from a cursor: keyset, so page 1,000 costs as
    little as page 1 (the member_roster_idx index serves the order)."""
    size = size or PAGE_SIZE
    queryset = queryset.select_related("org").defer("address", "org__path")
    back = parse_cursor(before)
    if back is not None:
        key, pk = back
        rows = list(
            queryset.filter(name_key__lte=key)
            .filter(Q(name_key__lt=key) | Q(pk__lt=pk))
            .order_by("-name_key", "-pk")[: size + 1]
        )
        has_more_before = len(rows) > size
        rows = rows[:size][::-1]
        if not has_more_before:
            # Reached the start: show a whole first page, as a fresh visit would.
            return roster_page(queryset, size=size)
        return RosterPage(
            rows=rows,
            next_cursor=cursor_of(rows[-1]) if rows else None,
            prev_cursor=cursor_of(rows[0]),
            first=False,
        )
    start = parse_cursor(after)
    page = queryset
    if start is not None:
        key, pk = start
        page = page.filter(name_key__gte=key).filter(Q(name_key__gt=key) | Q(pk__gt=pk))
    rows = list(page.order_by("name_key", "pk")[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return RosterPage(
        rows=rows,
        next_cursor=cursor_of(rows[-1]) if more else None,
        prev_cursor=cursor_of(rows[0]) if start is not None and rows else None,
        first=start is None,
    )


def capped_count(queryset: QuerySet[Member], cap: int = COUNT_CAP) -> tuple[int, bool]:
    """(count, more): the exact count up to `cap`, so a province-wide roster does not count a million rows."""
    n = queryset.order_by()[: cap + 1].count()
    return min(n, cap), n > cap


# --- one member: timeline, history, files -------------------------------------------------------------------


@dataclass
class Event:
    """One line of a member's timeline."""

    on: dt.date
    icon: str
    title: str
    detail: str = ""
    badge: str = ""
    order: int = 0
    changes: list[dict] = field(default_factory=list)


def _date_of(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def _org_name(org: Organization | None, text: str = "") -> str:
    return org.name if org is not None else (text or _("系统外党组织"))


def member_timeline(*, user, member: Member) -> list[Event]:
    """Everything that happened to the member, newest first: joining and conversion, status changes,
    transfers, mobile periods, correction requests, and the changes made to the record."""
    scoping.require_tree_role(user)
    events: list[Event] = [
        Event(
            member.joined_on,
            "flag",
            _("入党（成为预备党员）"),
            _("党籍自支部大会通过接收之日起算（细则 第32条）"),
            order=1,
        )
    ]
    if member.converted_on:
        events.append(
            Event(member.converted_on, "award", _("转为正式党员"), _("党龄自转正之日起算"), order=2)
        )
    for change in StatusChange.objects.filter(member=member):
        detail = change.reason
        if change.exit_kind:
            detail = _("%(exit_kind)s：%(reason)s") % {
                "exit_kind": change.get_exit_kind_display(),
                "reason": detail,
            }
        approval = " ".join(part for part in (change.approved_by, change.decision_ref) if part)
        if approval:
            detail += _("（批准：%(approval)s）") % {"approval": approval}
        events.append(
            Event(
                change.effective_on,
                "arrow-repeat",
                _("党籍异动：%(kind)s") % {"kind": change.get_kind_display()},
                detail,
                badge=f"{change.get_from_status_display()} → {change.get_to_status_display()}",
                order=3,
            )
        )
    for transfer in Transfer.objects.filter(member=member).select_related("from_org", "to_org"):
        source = _org_name(transfer.from_org, transfer.source_text)
        target = _org_name(transfer.to_org, transfer.destination_text)
        title = (
            _("从系统外转入组织关系") if transfer.kind == TransferKind.INCOMING else _("开具组织关系介绍信")
        )
        events.append(
            Event(
                transfer.issued_on,
                "envelope-paper",
                title,
                _("%(source)s → %(target)s，介绍信 %(no)s，有效期至 %(until)s")
                % {
                    "source": source,
                    "target": target,
                    "no": transfer.letter_no,
                    "until": f"{transfer.valid_until:%Y-%m-%d}",
                },
                badge=transfer.get_state_display(),
                order=4,
            )
        )
        if transfer.received_on:
            events.append(
                Event(
                    transfer.received_on,
                    "envelope-check",
                    _("组织关系已接收"),
                    _("接收单位：%(target)s") % {"target": target},
                    order=5,
                )
            )
    for record in MobileRecord.objects.filter(member=member).select_related("host_org"):
        host = record.host_org.name if record.host_org else record.host_text
        detail = _("流入地：%(place)s") % {"place": record.destination}
        if host:
            detail += _("；流入地党组织：%(host)s") % {"host": host}
        events.append(
            Event(record.left_on, "signpost-split", _("外出流动"), detail, record.get_state_display(), 6)
        )
        if record.returned_on:
            events.append(Event(record.returned_on, "house-check", _("流动党员返回"), "", order=7))
    labels = _labels()
    for request in CorrectionRequest.objects.filter(member=member):
        codes = CHOICES.get(request.field, {})
        events.append(
            Event(
                _date_of(request.requested_at),
                "pencil-square",
                _("申请更正档案信息"),
                _("%(field)s：%(old)s → %(new)s")
                % {
                    "field": labels.get(request.field, request.field),
                    # Phone and address are stored masked in these columns (members.services.selfservice).
                    # current_value holds the label itself (members.services.selfservice.current_shown).
                    "old": (_(request.current_value) if codes else request.current_value) or "—",
                    "new": codes.get(request.requested_value, request.requested_value),
                },
                badge=request.get_state_display(),
                order=8,
            )
        )
    for entry in _record_entries(member).exclude(action="reveal"):
        events.append(
            Event(
                _date_of(entry.at),
                "journal-text",
                entry.summary or entry.get_action_display(),
                _("经办人：%(actor)s") % {"actor": entry.actor_name},
                order=9,
                # A new record's every field is in the 操作记录 tab; the timeline shows what was corrected.
                changes=audit_change_rows(entry, user=user) if entry.action == "update" else [],
            )
        )
    events.sort(key=lambda event: (event.on, event.order), reverse=True)
    return events


def _record_entries(member: Member) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(object_type="members.member", object_id=str(member.pk))


RELATED_TYPES = {
    "members.transfer": Transfer,
    "members.statuschange": StatusChange,
    "members.mobilerecord": MobileRecord,
    "members.correctionrequest": CorrectionRequest,
    "members.memberfile": MemberFile,
}


def member_history(*, user, member: Member, limit: int = 200) -> list[AuditEntry]:
    """The audit trail of the member's record and of everything attached to it, newest first, reveals
    included (操作记录)."""
    scoping.require_tree_role(user)
    condition = Q(object_type="members.member", object_id=str(member.pk))
    for object_type, model in RELATED_TYPES.items():
        ids = [str(pk) for pk in model.objects.filter(member=member).values_list("pk", flat=True)]
        if ids:
            condition |= Q(object_type=object_type, object_id__in=ids)
    entries = list(AuditEntry.objects.filter(condition).order_by("-at", "-id")[:limit])
    for entry in entries:
        entry.change_rows = audit_change_rows(entry, user=user)
    return entries


def member_files(member: Member) -> list[MemberFile]:
    return list(member.files.select_related("uploaded_by").order_by("-uploaded_at", "-id"))


def get_file_or_404(member: Member, file_pk) -> MemberFile:
    try:
        return member.files.get(pk=file_pk)
    except (MemberFile.DoesNotExist, ValueError, TypeError):
        raise Http404(_("附件不存在")) from None


# --- readable audit changes of a member record --------------------------------------------------------------

HIDDEN = {"org_path", "name_key", "id_hash"}


def _labels() -> dict[str, str]:
    labels = {
        f.attname: str(f.verbose_name) for f in Member._meta.concrete_fields if hasattr(f, "verbose_name")
    }
    labels.update(
        {
            "org_id": _("所在党组织"),
            "party_group_id": _("所在党小组"),
            "file_id": _("附件编号"),
            "title": _("附件标题"),
            "size": _("大小（字节）"),
        }
    )
    return labels


# Lazy labels: codes shown in the reader's language (the code tables' labels are marked with gettext_noop).
CHOICES = {
    "gender": dict(Gender.choices),
    "category": dict(Category.choices),
    "status": dict(Status.choices),
    "ethnicity": dict(translated(ETHNICITIES)),
    "education": dict(translated(EDUCATION)),
    "degree": dict(translated(DEGREES)),
    "occupation": dict(translated(OCCUPATIONS)),
}


def audit_change_rows(entry: AuditEntry, *, user) -> list[dict]:
    """(label, before, after) of an audit entry about a member, with codes shown by their names and
    organizations named only when they lie in the reader's scope."""
    if entry.object_type != "members.member":
        return []
    rows = [change for change in entry.changes() if change[0] not in HIDDEN]
    if not rows:
        return []
    org_ids = {
        value for name, *values in rows if name in ("org_id", "party_group_id") for value in values if value
    }
    names = dict(scoping.scoped(Organization.objects.filter(pk__in=org_ids), user).values_list("pk", "name"))
    labels = _labels()

    def show(name, value):
        if value is None or value == "":
            return "—"
        if name in CHOICES:
            return str(CHOICES[name].get(value, value))
        if name in ("org_id", "party_group_id"):
            return names.get(value, _("（管理范围外的组织）"))
        return str(value)

    return [
        {"label": labels.get(name, name), "before": show(name, before), "after": show(name, after)}
        for name, before, after in rows
    ]
