"""Organization pages: the tree, one organization's detail, and the forms that change the tree.

Every view is the same short story: scoped fetch (404 outside the user's scope) → form → one service →
redirect with a message; or the form again with the service's answer (422 bad input, 409 not allowed now).
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_htmx.http import push_url

from dangjian.core import scoping, tree
from dangjian.core.pages import bound, partial, submit
from dangjian.members.models import Member

from . import rules, selectors, services
from .forms import (
    AppointForm,
    DissolveForm,
    MoveForm,
    OrgCreateForm,
    OrgEditForm,
    PositionEndForm,
    TermForm,
    TreeFilterForm,
)
from .models import LeadershipPosition, Organization, OrgKind

# --- what the user may do (offered in the page; the services remain the real check) -------------------------

ACTIONS = ("create_child", "edit", "term", "move", "dissolve", "appoint", "end_position")
# Renaming, moving and dissolving an organization is decided by the organization above it.
RESTRUCTURING = frozenset({"edit", "move", "dissolve"})


def child_kinds_for(user, org: Organization) -> tuple[str, ...]:
    """Kinds of organization `user` may set up directly under `org` (rules.CHILD_KINDS, narrowed by role)."""
    kinds = rules.CHILD_KINDS.get(org.kind, ())
    if user.role == "branch_secretary":
        kinds = tuple(kind for kind in kinds if kind == OrgKind.GROUP)
    return kinds


def refusal(user, org: Organization, action: str) -> str | None:
    """Why `user` may not perform `action` on `org`, or None. Mirrors orgs.services._require_manager."""
    if user.role not in scoping.TREE_ROLES:
        return _("您的角色无权访问组织管理功能")
    if not scoping.in_scope(user, org.path):
        return _("该组织不在您的管理范围内")
    own_root = org.pk == user.org_id
    if action in RESTRUCTURING and own_root:
        if user.role != "county_admin":
            return _("本组织的设立、调整和撤销由上级党组织决定")
        if action != "edit":
            return _("管理范围的最上级组织不能调整隶属关系或撤销")
    if action == "create_child" and not child_kinds_for(user, org):
        if rules.CHILD_KINDS.get(org.kind):
            return _("党支部只能在本支部下划分党小组")
        return _("%(kind)s下不再设立下级组织") % {"kind": org.get_kind_display()}
    if action == "term" and org.kind == OrgKind.GROUP:
        return _("党小组不实行届期制，无需登记换届")
    return None


def allowed_actions(user, org: Organization) -> dict[str, bool]:
    return {action: not org.is_dissolved and refusal(user, org, action) is None for action in ACTIONS}


def _require(user, org: Organization, action: str) -> None:
    reason = refusal(user, org, action)
    if reason:
        raise PermissionDenied(reason)


# --- small read helpers ------------------------------------------------------------------------------------


def _org_crumbs(user, org: Organization, *tail) -> list[tuple[str, str | None]]:
    crumbs = [(_("组织架构"), reverse("orgs:tree"))]
    crumbs += [
        (o.name, reverse("orgs:detail", args=[o.pk])) for o in selectors.breadcrumbs(user=user, org=org)
    ]
    return crumbs + list(tail)


def _with_counts(user, children: list[Organization]) -> list[Organization]:
    """Annotate tree rows with their subtree's member count and their level below the user's scope root."""
    counts = selectors.member_counts_by_child(children)
    root_depth = user.org.depth if user.org_id else 0
    for child in children:
        child.member_total = counts.get(child.pk, 0)
        child.level = max(0, min(child.depth - root_depth, 8))
    return children


def _ancestor_names(user, orgs: list[Organization]) -> dict[int, list[Organization]]:
    """For each org, its ancestors inside the user's scope (root first), fetched in one query."""
    wanted = {pk for org in orgs for pk in tree.ancestor_ids(org.path) if pk != org.pk}
    found = {
        o.pk: o for o in scoping.scoped(Organization.objects.filter(pk__in=wanted), user).only("pk", "name")
    }
    return {
        org.pk: [found[pk] for pk in tree.ancestor_ids(org.path) if pk != org.pk and pk in found]
        for org in orgs
    }


def _active_children_count(org: Organization) -> int:
    return Organization.objects.active().filter(parent=org).count()


TERM_STATUS = {
    "current": (gettext_lazy("在任期内"), "badge-active"),
    "due": (gettext_lazy("即将届满"), "text-bg-warning"),
    "expired": (gettext_lazy("已届满"), "text-bg-danger"),
    "overdue": (gettext_lazy("超期未换届"), "text-bg-danger"),
}


def _term_status(check) -> tuple[str, str] | None:
    if check.term_ends_on is None:
        return None
    status = rules.term_status(
        check.term_ends_on, timezone.localdate(), settings.DANGJIAN_RULES["TERM_REMINDER_MONTHS"]
    )
    return TERM_STATUS[status]


# --- the tree ----------------------------------------------------------------------------------------------

SEARCH_LIMIT = 100


def _tree_context(user, root: Organization, filters: dict) -> dict:
    if filters["q"] or filters["kind"] or filters["domain"]:
        hits = list(
            selectors.orgs_within(
                user=user,
                q=filters["q"],
                kind=filters["kind"],
                domain=filters["domain"],
                include_dissolved=filters["dissolved"],
            )
            .with_children_count()
            .order_by("path")[: SEARCH_LIMIT + 1]
        )
        ancestors = _ancestor_names(user, hits[:SEARCH_LIMIT])
        return {
            "mode": "search",
            "hits": [(hit, ancestors[hit.pk]) for hit in hits[:SEARCH_LIMIT]],
            "more_hits": len(hits) > SEARCH_LIMIT,
        }
    children = selectors.children_of(user=user, org=root, include_dissolved=filters["dissolved"])
    return {
        "mode": "tree",
        "root_total": selectors.member_counts(root)["total"],
        "nodes": _with_counts(user, children),
    }


def _tree_page(request, *, partial: bool):
    scoping.require_tree_role(request.user)
    root = scoping.get_org_or_404(request.user, request.user.org_id)
    form = TreeFilterForm(request.GET)
    filters = form.values()
    context = {
        "root": root,
        "filter_form": form,
        "filters": filters,
        "crumbs": [(_("组织架构"), None)],
        "root_actions": allowed_actions(request.user, root),
        **_tree_context(request.user, root, filters),
    }
    if partial:
        response = render(request, "orgs/tree.html#tree-body", context)
        query = urlencode([(key, value) for key, value in request.GET.items() if value])
        return push_url(response, reverse("orgs:tree") + (f"?{query}" if query else ""))
    return render(request, "orgs/tree.html", context)


@login_required
def org_tree(request):
    return _tree_page(request, partial=partial(request, "tree-body"))


@login_required
def org_search(request):
    """The filter bar's htmx target: the tree or the list of hits; the tree page itself for a plain visit."""
    return _tree_page(request, partial=partial(request))


@login_required
def org_children(request, pk):
    """Direct children of an organization as tree rows (loaded when a node is expanded)."""
    org = scoping.get_org_or_404(request.user, pk)
    dissolved = request.GET.get("dissolved") in ("1", "on", "true")
    children = selectors.children_of(user=request.user, org=org, include_dissolved=dissolved)
    return render(
        request,
        "orgs/tree.html#children",
        {"nodes": _with_counts(request.user, children), "filters": {"dissolved": dissolved}, "parent": org},
    )


# --- one organization --------------------------------------------------------------------------------------

TABS = (
    ("info", gettext_lazy("基本信息")),
    ("team", gettext_lazy("班子成员")),
    ("structure", gettext_lazy("组织设置检查")),
    ("children", gettext_lazy("下级组织")),
    ("history", gettext_lazy("历程")),
)


def _tab_context(request, org: Organization, tab: str, check) -> dict:
    user = request.user
    if tab == "team":
        return {"team": selectors.current_team(org), "past": selectors.past_positions(org)}
    if tab == "structure":
        groups = [
            (level, [f for f in check.findings if f.severity == level])
            for level in ("error", "warning", "info")
        ]
        return {"finding_groups": [(level, items) for level, items in groups if items]}
    if tab == "children":
        children = selectors.children_of(user=user, org=org, include_dissolved=True)
        return {"nodes": _with_counts(user, children)}
    if tab == "history":
        return {"history": list(selectors.org_history(user=user, org=org))}
    return {}


@login_required
def org_detail(request, pk):
    org = scoping.get_org_or_404(request.user, pk)
    tab = request.GET.get("tab", "info")
    if tab not in dict(TABS):
        tab = "info"
    check = selectors.structure_of(org)
    if org.is_dissolved:  # the set-up rules no longer apply to an organization that has been dissolved
        check.findings = []
    context = {
        "org": org,
        "tab": tab,
        "tabs": TABS,
        "check": check,
        "term_status": _term_status(check),
        "error_count": sum(1 for f in check.findings if f.severity == "error"),
        # The structure check has counted the members already (selectors.member_counts).
        "counts": {
            "full": check.full_members,
            "probationary": check.probationary_members,
            "total": check.full_members + check.probationary_members,
        },
        "children_count": _active_children_count(org),
        "actions": allowed_actions(request.user, org),
        "parent_in_scope": org.parent_id is not None and scoping.in_scope(request.user, org.parent.path),
        "crumbs": _org_crumbs(request.user, org),
        **_tab_context(request, org, tab, check),
    }
    if partial(request, "org-tabs"):
        return render(request, "orgs/detail.html#tabs", context)
    return render(request, "orgs/detail.html", context)


# --- writes ------------------------------------------------------------------------------------------------


def _form_page(request, org, form, *, title: str, status: int, refusal: str = "", **extra):
    context = {
        "org": org,
        "form": form,
        "title": title,
        "refusal": refusal,
        "crumbs": _org_crumbs(request.user, org, (title, None)),
        "cancel_url": reverse("orgs:detail", args=[org.pk]),
        **extra,
    }
    template = extra.pop("template", "orgs/form.html")
    return render(request, template, context, status=status)


def _dissolved_page(request, org, title: str):
    reason = _("该组织已于 %(day)s 撤销，不能再办理此项业务") % {"day": f"{org.dissolved_on:%Y-%m-%d}"}
    return _form_page(request, org, None, title=title, status=409, refusal=reason)


def _detail_url(org, tab: str = "") -> str:
    url = reverse("orgs:detail", args=[org.pk])
    return f"{url}?tab={tab}" if tab else url


@login_required
def org_create_child(request, pk):
    parent = scoping.get_org_or_404(request.user, pk)
    _require(request.user, parent, "create_child")
    title = _("新增下级组织")
    if parent.is_dissolved:
        return _dissolved_page(request, parent, title)
    form = OrgCreateForm(bound(request), parent=parent, kinds=child_kinds_for(request.user, parent))

    def create(data):
        return services.org_create(actor=request.user, parent=parent, **data)

    org, status, reason = submit(request, form, create)
    if org is not None:
        messages.success(
            request,
            _("已在“%(parent)s”下设立%(kind)s“%(name)s”")
            % {"parent": parent.name, "kind": org.get_kind_display(), "name": org.name},
        )
        return redirect(_detail_url(org))
    return _form_page(
        request,
        parent,
        form,
        title=title,
        status=status,
        refusal=reason,
        intro=_("在“%(parent)s”下设立新的党组织。") % {"parent": parent.name},
        submit=_("设立"),
    )


@login_required
def org_edit(request, pk):
    org = scoping.get_org_or_404(request.user, pk)
    _require(request.user, org, "edit")
    title = _("编辑组织信息")
    if org.is_dissolved:
        return _dissolved_page(request, org, title)
    form = OrgEditForm(bound(request), org=org)
    old_name = org.name

    def update(_data):
        return services.org_update(actor=request.user, org=org, **form.changes(org))

    result, status, reason = submit(request, form, update)
    if result is not None:
        if result.name != old_name:
            messages.success(request, _("“%(old)s”已更名为“%(new)s”") % {"old": old_name, "new": result.name})
        else:
            messages.success(request, _("已保存组织信息"))
        return redirect(_detail_url(result))
    return _form_page(
        request,
        org,
        form,
        title=title,
        status=status,
        refusal=reason,
        intro=_("更名、更正编码或领域等信息；每次修改都记入该组织的历程。"),
        submit=_("保存"),
    )


@login_required
def org_term(request, pk):
    org = scoping.get_org_or_404(request.user, pk)
    _require(request.user, org, "term")
    title = _("登记换届")
    if org.is_dissolved:
        return _dissolved_page(request, org, title)
    form = TermForm(bound(request), org=org)

    def register(data):
        return services.org_update(actor=request.user, org=org, term_started_on=data["term_started_on"])

    result, status, reason = submit(request, form, register)
    if result is not None:
        messages.success(
            request, _("已登记本届班子选举日期 %(day)s") % {"day": f"{result.term_started_on:%Y-%m-%d}"}
        )
        return redirect(_detail_url(result, "team"))
    return _form_page(
        request,
        org,
        form,
        title=title,
        status=status,
        refusal=reason,
        intro=_(
            "换届选举后登记新一届班子的选举日期；届满日期据此计算。班子成员的变动请在“班子成员”中办理任职、离任。"
        ),
        submit=_("登记"),
    )


MOVE_OPTIONS_LIMIT = 30


def _move_candidates(user, org: Organization):
    parent_kinds = [kind for kind, children in rules.CHILD_KINDS.items() if org.kind in children]
    return (
        selectors.orgs_within(user=user)
        .filter(kind__in=parent_kinds)
        .exclude(tree.within(org.path))
        .exclude(pk=org.parent_id)
        .order_by("path")
    )


def _move_options(user, candidates, q: str, selected: str | None) -> dict:
    matching = candidates
    if q:
        matching = (
            selectors.orgs_within(user=user, q=q).filter(pk__in=candidates.values("pk")).order_by("path")
        )
    options = list(matching[: MOVE_OPTIONS_LIMIT + 1])
    more = len(options) > MOVE_OPTIONS_LIMIT
    options = options[:MOVE_OPTIONS_LIMIT]
    if selected and selected.isdigit() and all(str(o.pk) != selected for o in options):
        chosen = candidates.filter(pk=int(selected)).first()
        if chosen is not None:
            options.insert(0, chosen)
    ancestors = _ancestor_names(user, options)
    return {
        "options": [(o, ancestors[o.pk]) for o in options],
        "more_options": more,
        "selected": selected or "",
        "q": q,
    }


@login_required
def org_move(request, pk):
    org = scoping.get_org_or_404(request.user, pk)
    _require(request.user, org, "move")
    title = _("调整隶属关系")
    if org.is_dissolved:
        return _dissolved_page(request, org, title)
    candidates = _move_candidates(request.user, org)
    form = MoveForm(bound(request), candidates=candidates)
    q = request.GET.get("q", "").strip()[:100]
    if request.method == "GET" and partial(request, "parent-options"):
        context = _move_options(request.user, candidates, q, None)
        return render(request, "orgs/move.html#options", {**context, "form": form})

    def move(data):
        return services.org_move(actor=request.user, org=org, new_parent=data["parent"])

    result, status, reason = submit(request, form, move)
    if result is not None:
        messages.success(
            request,
            _("“%(name)s”已调整至“%(parent)s”之下") % {"name": org.name, "parent": result.parent.name},
        )
        return redirect(_detail_url(result))
    selected = form["parent"].value() if form.is_bound else None
    return _form_page(
        request,
        org,
        form,
        title=title,
        status=status,
        refusal=reason,
        template="orgs/move.html",
        submit=_("确认调整"),
        has_candidates=candidates.exists(),
        **_move_options(request.user, candidates, q, str(selected) if selected else None),
    )


@login_required
def org_dissolve(request, pk):
    org = scoping.get_org_or_404(request.user, pk)
    _require(request.user, org, "dissolve")
    title = _("撤销组织")
    if org.is_dissolved:
        return _dissolved_page(request, org, title)
    form = DissolveForm(bound(request))

    def dissolve(data):
        return services.org_dissolve(actor=request.user, org=org, **data)

    result, status, reason = submit(request, form, dissolve)
    if result is not None:
        messages.success(request, _("已撤销“%(name)s”") % {"name": result.name})
        return redirect(_detail_url(result, "history"))
    return _form_page(
        request,
        org,
        form,
        title=title,
        status=status,
        refusal=reason,
        template="orgs/dissolve.html",
        submit=_("确认撤销"),
        submit_class="btn-danger",
        confirm=_("确定撤销“%(name)s”吗？撤销后不能恢复。") % {"name": org.name},
        counts=selectors.member_counts(org),
        children_count=_active_children_count(org),
    )


MEMBER_CHOICES_LIMIT = 300


def _appointable_members(user, org: Organization):
    # A 党小组's members are recorded on its branch (services._branch_path): offer the branch's members.
    base = org.parent if org.kind == OrgKind.GROUP and org.parent_id else org
    members = scoping.scoped(Member.objects.counted(), user, "org_path").filter(
        tree.within(base.path, "org_path")
    )
    choices = [
        (
            m.pk,
            f"{m.name}（{m.get_category_display()}）" + (f" · {m.org.name}" if m.org_id != base.pk else ""),
        )
        for m in members.select_related("org").order_by("org_path", "name")[:MEMBER_CHOICES_LIMIT]
    ]
    return members, choices


@login_required
def position_appoint(request, pk):
    org = scoping.get_org_or_404(request.user, pk)
    _require(request.user, org, "appoint")
    title = _("任职")
    if org.is_dissolved:
        return _dissolved_page(request, org, title)
    members, choices = _appointable_members(request.user, org)
    form = AppointForm(bound(request), org=org, members=members, member_choices=choices)

    def appoint(data):
        return services.position_appoint(actor=request.user, org=org, **data)

    position, status, reason = submit(request, form, appoint)
    if position is not None:
        messages.success(
            request,
            _("已登记%(name)s任%(post)s")
            % {"name": position.person_name, "post": position.get_post_display()},
        )
        return redirect(_detail_url(org, "team"))
    return _form_page(
        request,
        org,
        form,
        title=title,
        status=status,
        refusal=reason,
        intro=_("登记班子成员（或党小组组长）的任职。书记在任时任命新书记，请先办理现任书记离任。"),
        submit=_("登记任职"),
    )


@login_required
def position_end(request, pk, position_pk):
    org = scoping.get_org_or_404(request.user, pk)
    position = get_object_or_404(LeadershipPosition, pk=position_pk, org=org)
    _require(request.user, org, "end_position")
    title = _("离任")
    form = PositionEndForm(bound(request))

    def end(data):
        return services.position_end(actor=request.user, position=position, **data)

    result, status, reason = submit(request, form, end)
    if result is not None:
        messages.success(
            request,
            _("已登记%(name)s不再担任%(post)s")
            % {"name": result.person_name, "post": result.get_post_display()},
        )
        return redirect(_detail_url(org, "team"))
    if not reason and position.ended_on is not None and request.method == "GET":
        reason, status = _("该任职已于 %(day)s 结束") % {"day": f"{position.ended_on:%Y-%m-%d}"}, 409
    return _form_page(
        request,
        org,
        form,
        title=title,
        status=status,
        refusal=reason,
        intro=_("%(name)s，%(post)s，%(day)s 起任职。")
        % {
            "name": position.person_name,
            "post": position.get_post_display(),
            "day": f"{position.started_on:%Y-%m-%d}",
        },
        submit=_("登记离任"),
    )
