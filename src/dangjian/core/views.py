"""The home page (overview for the tree roles, own record for a member) and the audit log."""

import datetime as dt

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.core import scoping, tree
from dangjian.core.crypto import mask_id_number, mask_phone
from dangjian.core.models import AuditEntry
from dangjian.members.models import Status
from dangjian.orgs import selectors as org_selectors

# --- home ----------------------------------------------------------------------------------------------------


@login_required
def home(request):
    user = request.user
    if user.role in scoping.TREE_ROLES:
        return _overview_page(request)
    if user.role == "member":
        return _member_page(request)
    return render(request, "core/home_reviewer.html", {"crumbs": []})


def _series(rows) -> dict:
    return {"labels": [label for label, _n, _v in rows], "values": [n for _label, n, _v in rows]}


def _chart(key: str, kind: str, title, icon: str, rows, head, unit) -> dict:
    """One chart card: the chart is drawn from `rows`, which the card also prints as a table."""
    return {"key": key, "type": kind, "title": title, "icon": icon, "rows": rows, "head": head, "unit": unit}


def _overview_page(request):
    overview = org_selectors.overview(user=request.user)
    if not overview:  # a tree role without an organization: nothing to show yet
        return render(request, "core/home_reviewer.html", {"no_scope": True})
    categories = {value: n for _label, n, value in overview["by_category"]}
    status_labels = dict(Status.choices)
    by_status = [
        (status_labels[value], overview["by_status"].get(value, 0), value)
        for value in Status.values
        if overview["by_status"].get(value, 0)
    ]
    orgs_unit, members_unit = _("数量（个）"), _("人数（名）")
    chart_cards = [
        _chart("by_kind", "bar", _("党组织按类别"), "diagram-3", overview["by_kind"], _("类别"), orgs_unit),
        _chart(
            "by_domain",
            "bar",
            _("党组织按领域（不含党小组）"),
            "grid",
            overview["by_domain"],
            _("领域"),
            orgs_unit,
        ),
        _chart(
            "by_category",
            "pie",
            _("党员按人员类别"),
            "people",
            overview["by_category"],
            _("人员类别"),
            members_unit,
        ),
        _chart(
            "by_status",
            "bar",
            _("党员按党籍状态（含已转出等）"),
            "person-lines-fill",
            by_status,
            _("党籍状态"),
            members_unit,
        ),
    ]
    return render(
        request,
        "core/home.html",
        {
            "overview": overview,
            "full_members": categories.get("full", 0),
            "probationary_members": categories.get("probationary", 0),
            "chart_cards": chart_cards,
            "charts": {card["key"]: _series(card["rows"]) for card in chart_cards},
        },
    )


def _member_page(request):
    member = request.user.member
    record = None
    if member is not None:
        record = {
            "member": member,
            "org_name": member.org.name,
            "id_number": mask_id_number(member.id_number),
            "phone": mask_phone(member.phone),
        }
    return render(request, "core/home_member.html", {"record": record})


# --- audit log -----------------------------------------------------------------------------------------------

# Object types in the log, named for the reader; a module that audits a new type adds one line here.
OBJECT_TYPES = {
    "orgs.organization": gettext_lazy("党组织"),
    "orgs.leadershipposition": gettext_lazy("班子成员"),
    "members.member": gettext_lazy("党员"),
    "members.transfer": gettext_lazy("组织关系转接"),
    "members.statuschange": gettext_lazy("党籍异动"),
    "members.mobilerecord": gettext_lazy("流动党员登记"),
    "members.mobileactivity": gettext_lazy("流入地活动记录"),
    "members.memberfile": gettext_lazy("党员档案附件"),
    "members.correctionrequest": gettext_lazy("信息更正申请"),
    "members.consultation": gettext_lazy("在线咨询"),
    "members.importjob": gettext_lazy("花名册导入"),
    "orglife.meeting": gettext_lazy("组织生活会议"),
    "orglife.vote": gettext_lazy("表决"),
    "recruitment.developmentcase": gettext_lazy("发展党员"),
    "recruitment.developmentplan": gettext_lazy("发展党员计划"),
    "recruitment.import": gettext_lazy("发展党员历史数据导入"),
    "sites.campaign": gettext_lazy("年度创建工作"),
    "sites.catalogue": gettext_lazy("创建标准"),
    "sites.application": gettext_lazy("示范点申报"),
    "sites.publicnotice": gettext_lazy("公示"),
    "sites.objection": gettext_lazy("公示异议"),
    "sites.site": gettext_lazy("党建示范点"),
    "sites.rereview": gettext_lazy("复审"),
    "sites.rectification": gettext_lazy("末位整改"),
    "disclosure.disclosureitem": gettext_lazy("党务公开事项"),
    "notifications.notification": gettext_lazy("消息提醒"),
    "accounts.user": gettext_lazy("用户账号"),
    "seed": gettext_lazy("演示数据"),
}
PAGE_SIZE = 50


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=gettext_lazy("操作人"), required=False, max_length=150)
    action = forms.ChoiceField(
        label=gettext_lazy("操作"),
        required=False,
        choices=[("", gettext_lazy("全部操作")), *AuditEntry.Action.choices],
    )
    object_type = forms.ChoiceField(
        label=gettext_lazy("对象类型"),
        required=False,
        choices=[("", gettext_lazy("全部类型")), *OBJECT_TYPES.items()],
    )
    org = forms.CharField(
        label=gettext_lazy("相关组织"),
        required=False,
        max_length=100,
        help_text=gettext_lazy("组织编码或名称"),
    )
    date_from = forms.DateField(
        label=gettext_lazy("开始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=gettext_lazy("结束日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("结束日期不能早于开始日期"))
        return data


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _visible_entries(user):
    """Entries about organizations in the admin's subtree; entries without an organization made by accounts
    of that subtree (sign-ins, tokens); and the system's own entries (no account, no organization: seeding)."""
    root = scoping.scope_path(user)
    if root is None:
        return AuditEntry.objects.none()
    without_org = Q(org_path="") & (tree.within(root, "actor__org__path") | Q(actor__isnull=True))
    return AuditEntry.objects.filter(tree.within(root, "org_path") | without_org)


def _filtered(queryset, data: dict):
    if data.get("actor"):
        value = data["actor"].strip()
        queryset = queryset.filter(Q(actor__username__iexact=value) | Q(actor_name__icontains=value))
    if data.get("action"):
        queryset = queryset.filter(action=data["action"])
    if data.get("object_type"):
        queryset = queryset.filter(object_type=data["object_type"])
    if data.get("org"):
        value = data["org"].strip()
        queryset = queryset.filter(Q(org__code__iexact=value) | Q(org__name__icontains=value))
    if data.get("date_from"):
        queryset = queryset.filter(at__gte=_start_of(data["date_from"]))
    if data.get("date_to"):
        queryset = queryset.filter(at__lt=_start_of(data["date_to"] + dt.timedelta(days=1)))
    return queryset


def _keyset_page(queryset, *, older_than: int | None, newer_than: int | None):
    """One page of the log, newest first, continued from an entry id (keyset: no deep OFFSET, no count)."""
    queryset = queryset.select_related("actor", "org")
    if newer_than is not None:
        anchor = AuditEntry.objects.filter(pk=newer_than).values_list("at", flat=True).first()
        if anchor is not None:
            rows = list(
                queryset.filter(Q(at__gt=anchor) | Q(at=anchor, id__gt=newer_than)).order_by("at", "id")[
                    : PAGE_SIZE + 1
                ]
            )
            if len(rows) > PAGE_SIZE:
                return rows[:PAGE_SIZE][::-1], True, True
            # Fewer than a page is left above the anchor: that is simply the first page.
    has_newer = False
    if older_than is not None:
        anchor = AuditEntry.objects.filter(pk=older_than).values_list("at", flat=True).first()
        if anchor is not None:
            queryset = queryset.filter(Q(at__lt=anchor) | Q(at=anchor, id__lt=older_than))
            has_newer = True
    rows = list(queryset.order_by("-at", "-id")[: PAGE_SIZE + 1])
    return rows[:PAGE_SIZE], has_newer, len(rows) > PAGE_SIZE


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
def audit_log(request):
    if request.user.role != "county_admin":
        raise PermissionDenied(_("仅组织部管理员可查看操作日志"))
    form = AuditFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    entries, has_newer, has_older = _keyset_page(
        _filtered(_visible_entries(request.user), data),
        older_than=_int_or_none(request.GET.get("older_than")),
        newer_than=_int_or_none(request.GET.get("newer_than")),
    )
    context = {
        "form": form,
        "entries": entries,
        "has_newer": has_newer,
        "has_older": has_older,
        "newest_id": entries[0].pk if entries else None,
        "oldest_id": entries[-1].pk if entries else None,
        "filtered": any(data.values()) if data else False,
        "object_types": OBJECT_TYPES,
        "crumbs": [(_("操作日志"), None)],
    }
    partial = request.htmx and not request.htmx.history_restore_request
    template = "core/audit_log.html#results" if partial else "core/audit_log.html"
    return render(request, template, context)
