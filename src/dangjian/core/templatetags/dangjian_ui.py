"""Template helpers of the signed-in layout: the module navigation, badges, and audit-change display.

The left navigation is the list `NAV_ITEMS`: a module adds its entry with one line here.
"""

import datetime as dt
from dataclasses import dataclass

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.core.scoping import TREE_ROLES, scoped

register = template.Library()

ALL_ROLES = None  # every signed-in user


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str  # lazily translated
    icon: str  # a bootstrap-icons name
    roles: frozenset[str] | None = ALL_ROLES
    # The item is active on every view whose name starts with this (a namespace "orgs:" or one view).
    active_prefix: str = ""


NAV_ITEMS: tuple[NavItem, ...] = (
    NavItem("core:home", gettext_lazy("首页概览"), "house-door", ALL_ROLES, "core:home"),
    NavItem("notifications:inbox", gettext_lazy("消息提醒"), "bell", ALL_ROLES, "notifications:"),
    NavItem("orgs:tree", gettext_lazy("组织架构"), "diagram-3", TREE_ROLES, "orgs:"),
    NavItem("members:roster", gettext_lazy("党员管理"), "people", TREE_ROLES, "members:"),
    NavItem("stats:members", gettext_lazy("统计分析"), "bar-chart", TREE_ROLES, "stats:"),
    NavItem("orglife:meeting_list", gettext_lazy("组织生活"), "calendar-check", TREE_ROLES, "orglife:"),
    NavItem("recruitment:case_list", gettext_lazy("发展党员"), "person-plus", TREE_ROLES, "recruitment:"),
    NavItem("recruitment:stats", gettext_lazy("发展统计"), "graph-up", TREE_ROLES, "recruitment:stats"),
    NavItem("sites:overview", gettext_lazy("示范点创建"), "award", TREE_ROLES | {"reviewer"}, "sites:"),
    NavItem("disclosure:manage", gettext_lazy("党务公开"), "megaphone", TREE_ROLES, "disclosure:"),
    NavItem(
        "orglife:compliance:index",
        gettext_lazy("组织生活合规"),
        "grid-3x3",
        TREE_ROLES,
        "orglife:compliance:",
    ),
    NavItem(
        "accounts:users",
        gettext_lazy("用户管理"),
        "people",
        frozenset({"county_admin", "committee_officer"}),
        "accounts:",
    ),
    NavItem(
        "transfers:letters:list",
        gettext_lazy("组织关系转接"),
        "envelope-paper",
        TREE_ROLES,
        "transfers:letters:",
    ),
    NavItem("transfers:mobile:list", gettext_lazy("流动党员"), "geo-alt", TREE_ROLES, "transfers:mobile:"),
    NavItem(
        "member_import:index",
        gettext_lazy("花名册导入"),
        "file-earmark-spreadsheet",
        TREE_ROLES,
        "member_import:",
    ),
    NavItem("selfservice:record", gettext_lazy("我的档案"), "person-vcard", frozenset({"member"})),
    NavItem("orglife:compliance:my_hours", gettext_lazy("我的学时"), "mortarboard", frozenset({"member"})),
    NavItem(
        "selfservice:my_corrections:list",
        gettext_lazy("信息更正"),
        "pencil-square",
        frozenset({"member"}),
        "selfservice:my_corrections:",
    ),
    NavItem(
        "selfservice:my_consultations:list",
        gettext_lazy("在线咨询"),
        "chat-left-text",
        frozenset({"member"}),
        "selfservice:my_consultations:",
    ),
    NavItem(
        "selfservice:desk:corrections",
        gettext_lazy("党员服务"),
        "chat-square-heart",
        TREE_ROLES,
        "selfservice:desk:",
    ),
    NavItem(
        "core:audit_log",
        gettext_lazy("操作日志"),
        "journal-text",
        frozenset({"county_admin"}),
        "core:audit_log",
    ),
)


@register.simple_tag(takes_context=True)
def main_nav(context) -> list[dict]:
    """The navigation entries the signed-in user may open, with the current one marked active."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    match = getattr(request, "resolver_match", None)
    current = match.view_name if match else ""
    items, matches = [], []
    for item in NAV_ITEMS:
        if item.roles is not ALL_ROLES and user.role not in item.roles:
            continue
        prefix = item.active_prefix or item.url_name
        if current == prefix or (prefix.endswith(":") and current.startswith(prefix)):
            matches.append((len(prefix), len(items)))
        items.append({"url": reverse(item.url_name), "label": item.label, "icon": item.icon, "active": False})
    if matches:  # the most specific entry wins: 组织生活合规 (orglife:compliance:) over 组织生活 (orglife:)
        items[max(matches)[1]]["active"] = True
    return items


# --- badges --------------------------------------------------------------------------------------------------

# Severity of a structure finding: never by colour alone, so each has an icon and a word too.
SEVERITIES = {
    "error": {
        "label": gettext_lazy("问题"),
        "css": "danger",
        "icon": "x-octagon-fill",
        "title": gettext_lazy("不符合规定"),
    },
    "warning": {
        "label": gettext_lazy("提示"),
        "css": "warning",
        "icon": "exclamation-triangle-fill",
        "title": gettext_lazy("超出通常范围"),
    },
    "info": {
        "label": gettext_lazy("注意"),
        "css": "secondary",
        "icon": "info-circle-fill",
        "title": gettext_lazy("待办或提醒"),
    },
}
SEVERITY_ORDER = ("error", "warning", "info")


@register.filter
def severity(value: str) -> dict:
    return SEVERITIES.get(value, SEVERITIES["info"])


KIND_ICONS = {
    "committee": "bank",
    "working_committee": "building",
    "general_branch": "diagram-2",
    "branch": "flag",
    "group": "people",
}


@register.filter
def kind_icon(kind: str) -> str:
    return KIND_ICONS.get(kind, "circle")


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def minutes(value) -> int:
    """A timedelta (or hours as a number) in whole minutes, for the lock-out page."""
    if isinstance(value, dt.timedelta):
        return int(value.total_seconds() // 60)
    try:
        return int(float(value) * 60)
    except (TypeError, ValueError):
        return 0


# --- audit entries -------------------------------------------------------------------------------------------


def _field_labels() -> dict[str, str]:
    from dangjian.orgs.models import LeadershipPosition, Organization

    labels = {}
    for model in (Organization, LeadershipPosition):
        for field in model._meta.get_fields():
            verbose = getattr(field, "verbose_name", None)
            if verbose and getattr(field, "attname", None):
                labels.setdefault(field.attname, str(verbose))
                labels.setdefault(field.name, str(verbose))
    labels.update(
        {
            "parent_id": _("上级组织"),
            "member_id": _("党员"),
            "person_name": _("姓名"),
            "reason": _("原因"),
            "path": _("组织路径"),
            "depth": _("层级"),
            "sort_order": _("排序"),
        }
    )
    return labels


def _choice_labels() -> dict[str, dict[str, str]]:
    from dangjian.orgs.models import Domain, OrgKind, Post

    return {"kind": dict(OrgKind.choices), "domain": dict(Domain.choices), "post": dict(Post.choices)}


# Internal bookkeeping that a reader of the log does not need to see.
HIDDEN_FIELDS = {"path", "depth", "sort_order"}


def _display(field: str, value, choices: dict, names: dict) -> str:
    if value is None or value == "":
        return "—"
    if field in choices:
        return choices[field].get(value, str(value))
    if field == "parent_id":
        return names["parent_id"].get(value, _("（管理范围外的组织）"))
    if field == "member_id":
        return names["member_id"].get(value, _("（管理范围外的党员）"))
    if isinstance(value, bool):
        return _("是") if value else _("否")
    return str(value)


@register.simple_tag(takes_context=True)
def audit_changes(context, entry) -> list[dict]:
    """The entry's field changes as [{label, before, after}], with code values shown by their Chinese labels.

    A parent organization or a member is named only when it lies in the reader's scope.
    """
    from dangjian.members.models import Member
    from dangjian.orgs.models import Organization

    rows = [c for c in entry.changes() if c[0] not in HIDDEN_FIELDS]
    user = getattr(context.get("request"), "user", None)
    names: dict[str, dict] = {"parent_id": {}, "member_id": {}}
    for field, model, path_field in (("parent_id", Organization, "path"), ("member_id", Member, "org_path")):
        ids = {value for name, *values in rows if name == field for value in values if value}
        if ids:
            visible = scoped(model.objects.filter(pk__in=ids), user, path_field)
            names[field] = dict(visible.values_list("pk", "name"))
    labels, choices = _field_labels(), _choice_labels()
    return [
        {
            "label": labels.get(field, field),
            "before": _display(field, before, choices, names),
            "after": _display(field, after, choices, names),
        }
        for field, before, after in rows
    ]


# --- forms ---------------------------------------------------------------------------------------------------

_CONTROL_CLASSES = {
    "select": "form-select",
    "selectmultiple": "form-select",
    "checkbox": "form-check-input",
    "radioselect": "form-check-input",
    "checkboxselectmultiple": "form-check-input",
}


@register.filter
def control(bound_field):
    """Render a form field's widget with Bootstrap's classes, marked invalid and described by its error."""
    widget = bound_field.field.widget
    css = [widget.attrs.get("class", ""), _CONTROL_CLASSES.get(bound_field.widget_type, "form-control")]
    attrs = {}
    described_by = []
    if bound_field.errors:
        css.append("is-invalid")
        described_by.append(f"{bound_field.auto_id}_error")
    if bound_field.help_text:
        described_by.append(f"{bound_field.auto_id}_helptext")
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    attrs["class"] = " ".join(c for c in css if c)
    return bound_field.as_widget(attrs=attrs)
