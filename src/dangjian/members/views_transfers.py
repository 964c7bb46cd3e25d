"""Pages of 组织关系转接, 党籍异动 and 流动党员.

Every view is the same short story as in orgs.views: scoped fetch (404 outside the user's scope) → form →
one service → redirect with a message; or the form again with the service's answer (422 bad input, 409 not
allowed now, with the reason).
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_htmx.http import push_url

from dangjian.core import scoping
from dangjian.core.crypto import mask_id_number
from dangjian.core.errors import TransitionNotAllowed
from dangjian.core.models import AuditEntry
from dangjian.core.pages import bound, partial, submit
from dangjian.orgs.models import Organization, OrgKind

from . import forms_transfers as forms
from .models import Member, MobileState, Status, TransferKind, TransferState
from .selectors import mobile as mobile_selectors
from .selectors import transfers as selectors
from .services import mobile as mobile_services
from .services import status as status_services
from .services import transfers as services

PAGE_SIZE = 50
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# --- helpers -------------------------------------------------------------------------------------------------


def _member_or_404(user, pk) -> Member:
    scoping.require_tree_role(user)
    member = scoping.scoped(Member.objects.select_related("org"), user, "org_path").filter(pk=pk).first()
    if member is None:
        raise Http404(_("党员不存在或不在您的管理范围内"))
    return member


def _root(request):
    """The subtree filter (?within=): an organization of the user's scope, or the whole scope."""
    within = request.GET.get("within", "")
    if within.isdigit():
        return scoping.get_org_or_404(request.user, int(within))
    return None


def _keyset(queryset, request) -> tuple[list, int | None]:
    """One page, newest first, continued below an id (keyset: no deep OFFSET, no count)."""
    before = request.GET.get("before", "")
    if before.isdigit():
        queryset = queryset.filter(pk__lt=int(before))
    rows = list(queryset.order_by("-pk")[: PAGE_SIZE + 1])
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    return rows, (rows[-1].pk if more and rows else None)


def _query(request, **changes) -> str:
    params = {k: v for k, v in request.GET.items() if v and k != "before"}
    params.update({k: v for k, v in changes.items() if v})
    return "?" + urlencode(params) if params else "?"


def _list_response(request, template: str, context: dict, url_name: str):
    if partial(request, "list-body"):
        response = render(request, f"{template}#list-body", context)
        query = urlencode([(k, v) for k, v in request.GET.items() if v])
        return push_url(response, reverse(url_name) + (f"?{query}" if query else ""))
    return render(request, template, context)


def _form_page(
    request, *, form, title: str, status: int, refusal: str = "", crumbs, cancel_url: str, **extra
):
    context = {
        "form": form,
        "title": title,
        "refusal": refusal,
        "crumbs": [*crumbs, (title, None)],
        "cancel_url": cancel_url,
        **extra,
    }
    template = context.pop("template", "members/transfers/form.html")
    return render(request, template, context, status=status)


TRANSFER_CRUMB = (gettext_lazy("组织关系转接"), "transfers:letters:list")
STATUS_CRUMB = (gettext_lazy("党籍异动"), "transfers:status:list")
MOBILE_CRUMB = (gettext_lazy("流动党员"), "transfers:mobile:list")


def _crumb(pair) -> tuple[str, str]:
    return str(pair[0]), reverse(pair[1])


def _history(obj) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)).order_by(
            "at", "id"
        )
    )


# --- transfers: list -----------------------------------------------------------------------------------------

TRANSFER_TABS = (
    ("incoming", gettext_lazy("待接收")),
    ("outgoing", gettext_lazy("已转出待回执")),
    ("all", gettext_lazy("全部介绍信")),
)


@login_required
def transfer_list(request):
    scoping.require_tree_role(request.user)
    root = _root(request)
    tab = request.GET.get("tab", "incoming")
    if tab not in dict(TRANSFER_TABS):
        tab = "incoming"
    filters = forms.TransferFilterForm(request.GET)
    values = filters.values()
    if tab == "all":
        direction, state, kind = values["direction"], values["state"], values["kind"]
    else:  # 待接收 / 已转出待回执: letters still open, on the receiving or the sending side
        direction, state, kind = tab, "issued", ""
    queryset = selectors.transfers_within(
        user=request.user, root=root, direction=direction, state=state, kind=kind, q=values["q"]
    )
    rows, next_before = _keyset(queryset, request)
    context = {
        "tab": tab,
        "tabs": TRANSFER_TABS,
        "root": root,
        "filters": filters,
        "values": values,
        "rows": rows,
        "next_url": _query(request, before=str(next_before)) if next_before else "",
        "first_url": _query(request) if request.GET.get("before") else "",
        "counts": selectors.transfer_counts(user=request.user, root=root),
        "crumbs": [(_("组织关系转接"), None)],
    }
    return _list_response(request, "members/transfers/list.html", context, "transfers:letters:list")


# --- transfers: issue ----------------------------------------------------------------------------------------


def _scoped_members(user):
    return scoping.scoped(Member.objects.select_related("org"), user, "org_path")


def _branches():
    return Organization.objects.active().filter(kind=OrgKind.BRANCH)


@login_required
def member_options(request):
    """The issue form's member picker (htmx): members of the user's scope by name or exact ID number."""
    scoping.require_tree_role(request.user)
    q = request.GET.get("member_q", "").strip()[:50]
    members = selectors.transferable_members(user=request.user, q=q)
    return render(
        request,
        "members/transfers/issue.html#member-options",
        {
            "member_options": [(m, mask_id_number(m.id_number)) for m in members],
            "member_q": q,
            "selected": "",
        },
    )


@login_required
def org_options(request):
    """A picker of organizations anywhere in the system, by name (only names are shown)."""
    scoping.require_tree_role(request.user)
    q = request.GET.get("org_q", "").strip()[:50]
    purpose = request.GET.get("purpose", "transfer")
    orgs = (
        selectors.receiving_branches(q=q)
        if purpose == "transfer"
        else mobile_selectors.host_organizations(q=q)
    )
    field = "to_org" if purpose == "transfer" else "host_org"
    return render(
        request,
        "members/transfers/_org_options.html",
        {"org_options": orgs, "org_q": q, "selected": "", "field_name": field},
    )


@login_required
def transfer_issue(request):
    scoping.require_tree_role(request.user)
    initial = {}
    preset = request.GET.get("member", "")
    preset_member = _member_or_404(request.user, preset) if preset.isdigit() else None
    if preset_member is not None:
        initial["member"] = preset_member.pk
    form = forms.TransferIssueForm(
        bound(request),
        members=_scoped_members(request.user).counted(),
        branches=_branches(),
        initial=initial,
    )

    def issue(_data):
        return services.transfer_issue(actor=request.user, **form.service_kwargs())

    transfer, status, reason = submit(request, form, issue)
    if transfer is not None:
        messages.success(
            request,
            _("已开具介绍信 %(no)s，有效期至 %(day)s。可下载 Word 文档或打印。")
            % {"no": transfer.letter_no, "day": f"{transfer.valid_until:%Y-%m-%d}"},
        )
        return redirect("transfers:letters:detail", transfer.pk)
    chosen_member = form["member"].value() if form.is_bound else (preset_member.pk if preset_member else None)
    chosen_org = form["to_org"].value() if form.is_bound else None
    member_row = (
        _scoped_members(request.user).filter(pk=chosen_member).first()
        if str(chosen_member or "").isdigit()
        else None
    )
    org_row = (
        _branches().select_related("parent").filter(pk=chosen_org).first()
        if str(chosen_org or "").isdigit()
        else None
    )
    return _form_page(
        request,
        form=form,
        title=_("开具组织关系介绍信"),
        status=status,
        refusal=reason,
        crumbs=[_crumb(TRANSFER_CRUMB)],
        cancel_url=reverse("transfers:letters:list"),
        template="members/transfers/issue.html",
        submit=_("开具介绍信"),
        member_options=[(member_row, mask_id_number(member_row.id_number))] if member_row else [],
        org_options=[org_row] if org_row else [],
        selected_member=str(member_row.pk) if member_row else "",
        selected_org=str(org_row.pk) if org_row else "",
        field_name="to_org",
    )


# --- transfers: one letter -----------------------------------------------------------------------------------


def _transfer_actions(user, transfer, sides) -> dict[str, bool]:
    open_now = transfer.current_state == "issued"
    internal, outgoing = transfer.kind == TransferKind.INTERNAL, transfer.kind == TransferKind.OUTGOING
    return {
        "receive": open_now and internal and sides["receiver"],
        "receipt": outgoing and sides["sender"] and transfer.current_state in ("issued", "expired"),
        "cancel": open_now and transfer.kind != TransferKind.INCOMING and sides["sender"],
        "letter": transfer.kind != TransferKind.INCOMING,
    }


@login_required
def transfer_detail(request, pk):
    transfer = selectors.get_transfer_or_404(request.user, pk)
    sides = selectors.sides(request.user, transfer)
    snapshot = transfer.member_snapshot or {}
    context = {
        "transfer": transfer,
        "sides": sides,
        "snapshot": snapshot,
        "id_number_masked": mask_id_number(selectors.letter_particulars(transfer)["id_number"]),
        "actions": _transfer_actions(request.user, transfer, sides),
        "history": _history(transfer),
        "member_in_scope": scoping.in_scope(request.user, transfer.member.org_path),
        "crumbs": [_crumb(TRANSFER_CRUMB), (transfer.letter_no, None)],
    }
    return render(request, "members/transfers/detail.html", context)


def _not_open(transfer, *, receipt: bool = False) -> tuple[int, str] | None:
    """(409, why) when the letter cannot be acted on now; the services give the same answer to a POST."""
    state = transfer.current_state
    if receipt and state in ("issued", "expired"):
        return None
    if state == "issued":
        return None
    if state == "expired":
        return 409, _("介绍信已于 %(day)s 超过有效期，不能再办理；需要时请重新开具（RULES.md 第95条）") % {
            "day": f"{transfer.valid_until:%Y-%m-%d}"
        }
    return 409, _("该介绍信%(state)s，不能再办理") % {"state": TransferState(state).label}


@login_required
def transfer_receive(request, pk):
    transfer = selectors.get_transfer_or_404(request.user, pk)
    outgoing = transfer.kind == TransferKind.OUTGOING
    sides = selectors.sides(request.user, transfer)
    if outgoing and not sides["sender"]:
        raise PermissionDenied(_("只有开具介绍信的党组织可以登记回执"))
    if not outgoing and not sides["receiver"]:
        raise PermissionDenied(_("只有接收方党组织可以接收该党员"))
    title = _("登记回执") if outgoing else _("接收组织关系")
    form = forms.ReceiveForm(bound(request))
    if outgoing:
        form.fields["received_on"].label = _("回执日期")

    def receive(data):
        return services.transfer_receive(
            actor=request.user, transfer=transfer, received_on=data["received_on"]
        )

    result, status, reason = submit(request, form, receive)
    if result is not None:
        messages.success(
            request,
            _("已登记回执，%(name)s 的组织关系已转出") % {"name": transfer.member.name}
            if outgoing
            else _("已接收 %(name)s 的组织关系") % {"name": transfer.member.name},
        )
        return redirect("transfers:letters:detail", transfer.pk)
    blocked = _not_open(transfer, receipt=outgoing) if request.method == "GET" else None
    if blocked:  # not offered now: say why instead of showing the form (UI.md, workflows)
        (status, reason), form = blocked, None
    return _form_page(
        request,
        form=form,
        title=title,
        status=status,
        refusal=reason,
        crumbs=[_crumb(TRANSFER_CRUMB), (transfer.letter_no, reverse("transfers:letters:detail", args=[pk]))],
        cancel_url=reverse("transfers:letters:detail", args=[pk]),
        intro=(
            _(
                "%(name)s 的组织关系转往 %(to)s（介绍信 %(no)s）。收到对方寄回的回执后登记，该党员即为“已转出”。"
            )
            if outgoing
            else _("%(name)s 持介绍信 %(no)s 前来报到。接收后，该党员的所在党组织即改为 %(to)s。")
        )
        % {
            "name": transfer.member_snapshot.get("name", transfer.member.name),
            "to": transfer.member_snapshot.get("to_org", ""),
            "no": transfer.letter_no,
        },
        submit=title,
    )


@login_required
def transfer_cancel(request, pk):
    transfer = selectors.get_transfer_or_404(request.user, pk)
    if not selectors.sides(request.user, transfer)["sender"]:
        raise PermissionDenied(_("只有开具介绍信的党组织可以撤销"))
    form = forms.CancelForm(bound(request))

    def cancel(data):
        return services.transfer_cancel(actor=request.user, transfer=transfer, reason=data["reason"])

    result, status, reason = submit(request, form, cancel)
    if result is not None:
        messages.success(request, _("已撤销介绍信 %(no)s") % {"no": transfer.letter_no})
        return redirect("transfers:letters:detail", transfer.pk)
    blocked = _not_open(transfer) if request.method == "GET" else None
    if blocked:
        (status, reason), form = blocked, None
    return _form_page(
        request,
        form=form,
        title=_("撤销介绍信"),
        status=status,
        refusal=reason,
        crumbs=[_crumb(TRANSFER_CRUMB), (transfer.letter_no, reverse("transfers:letters:detail", args=[pk]))],
        cancel_url=reverse("transfers:letters:detail", args=[pk]),
        intro=_("撤销后该介绍信作废，党员仍在原党组织。只有尚未接收、仍在有效期内的介绍信可以撤销。"),
        submit=_("确认撤销"),
        submit_class="btn-danger",
        confirm=_("确定撤销介绍信 %(no)s 吗？") % {"no": transfer.letter_no},
    )


def _letter_context_or_refusal(request, transfer):
    try:
        return services.transfer_letter_reveal(
            actor=request.user,
            transfer=transfer,
            purpose="print" if request.resolver_match.url_name == "print" else "docx",
        ), ""
    except TransitionNotAllowed as exc:
        return None, exc.message


@login_required
def transfer_letter(request, pk):
    transfer = selectors.get_transfer_or_404(request.user, pk)
    context, refusal = _letter_context_or_refusal(request, transfer)
    if context is None:
        return render(
            request,
            "members/transfers/form.html",
            {
                "title": _("下载介绍信"),
                "refusal": refusal,
                "cancel_url": reverse("transfers:letters:detail", args=[pk]),
            },
            status=409,
        )
    response = HttpResponse(services.transfer_letter_docx(context), content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="transfer-{transfer.pk}.docx"'
    return response


@login_required
def transfer_print(request, pk):
    transfer = selectors.get_transfer_or_404(request.user, pk)
    context, refusal = _letter_context_or_refusal(request, transfer)
    if context is None:
        return render(
            request,
            "members/transfers/form.html",
            {
                "title": _("打印介绍信"),
                "refusal": refusal,
                "cancel_url": reverse("transfers:letters:detail", args=[pk]),
            },
            status=409,
        )
    return render(request, "members/transfers/print.html", {"letter": context, "transfer": transfer})


@login_required
def transfer_incoming(request):
    scoping.require_tree_role(request.user)
    branches = scoping.scoped(_branches(), request.user).order_by("path")
    form = forms.IncomingForm(bound(request), branches=branches)

    def register(data):
        return services.transfer_register_incoming(actor=request.user, **data)

    transfer, status, reason = submit(request, form, register)
    if transfer is not None:
        messages.success(
            request,
            _("已登记 %(name)s 从系统外转入 %(org)s")
            % {"name": transfer.member.name, "org": transfer.to_org.name},
        )
        return redirect("transfers:letters:detail", transfer.pk)
    return _form_page(
        request,
        form=form,
        title=_("登记从系统外转入"),
        status=status,
        refusal=reason,
        crumbs=[_crumb(TRANSFER_CRUMB)],
        cancel_url=reverse("transfers:letters:list"),
        intro=_(
            "党员持系统外党组织开具的介绍信前来报到时，照介绍信登记。已在本系统中转出过的党员，恢复其原党员档案；"
            "否则新建党员档案。"
        ),
        submit=_("登记并接收"),
    )


# --- status changes ------------------------------------------------------------------------------------------


@login_required
def status_list(request):
    scoping.require_tree_role(request.user)
    root = _root(request)
    filters = forms.StatusFilterForm(request.GET)
    values = filters.values()
    queryset = selectors.status_changes_within(
        user=request.user, root=root, kind=values["kind"], q=values["q"]
    )
    rows, next_before = _keyset(queryset, request)
    context = {
        "filters": filters,
        "values": values,
        "root": root,
        "rows": [(row, status_services.kind_label(row.kind)) for row in rows],
        "next_url": _query(request, before=str(next_before)) if next_before else "",
        "first_url": _query(request) if request.GET.get("before") else "",
        "crumbs": [(_("党籍异动"), None)],
    }
    return _list_response(request, "members/status/list.html", context, "transfers:status:list")


@login_required
def status_new(request, member_pk):
    member = _member_or_404(request.user, member_pk)
    form = forms.StatusChangeForm(bound(request))

    def record(data):
        return status_services.status_change_record(actor=request.user, member=member, **data)

    change, status, reason = submit(request, form, record)
    if change is not None:
        messages.success(
            request,
            _("已登记 %(name)s 的党籍异动：%(kind)s，党籍状态为“%(status)s”")
            % {
                "name": member.name,
                "kind": status_services.kind_label(change.kind),
                "status": Status(change.to_status).label,
            },
        )
        return redirect("transfers:status:new", member.pk)
    history = [(c, status_services.kind_label(c.kind)) for c in selectors.status_history(member)]
    return _form_page(
        request,
        form=form,
        title=_("登记党籍异动"),
        status=status,
        refusal=reason,
        crumbs=[_crumb(STATUS_CRUMB), (member.name, None)],
        cancel_url=reverse("transfers:status:list"),
        template="members/status/new.html",
        member=member,
        history=history,
        submit=_("登记"),
    )


# --- mobile members ------------------------------------------------------------------------------------------


@login_required
def mobile_list(request):
    scoping.require_tree_role(request.user)
    root = _root(request)
    filters = forms.MobileFilterForm(request.GET)
    values = filters.values()
    side = values["side"] or "out"
    state = values["state"] if "state" in request.GET else MobileState.OUT
    select = mobile_selectors.inflows_within if side == "in" else mobile_selectors.outflows_within
    rows, next_before = _keyset(select(user=request.user, root=root, state=state, q=values["q"]), request)
    context = {
        "filters": filters,
        "values": {**values, "side": side, "state": state},
        "side": side,
        "side_tabs": (("out", _("流出党员")), ("in", _("流入党员"))),
        "root": root,
        "rows": [(r, mobile_selectors.inflow_row(r), mobile_services.transfer_advice(r)) for r in rows],
        "counts": mobile_selectors.mobile_counts(user=request.user, root=root),
        "next_url": _query(request, before=str(next_before)) if next_before else "",
        "first_url": _query(request) if request.GET.get("before") else "",
        "crumbs": [(_("流动党员"), None)],
    }
    return _list_response(request, "members/mobile/list.html", context, "transfers:mobile:list")


@login_required
def mobile_new(request, member_pk):
    member = _member_or_404(request.user, member_pk)
    hosts = Organization.objects.active().filter(kind__in=mobile_services.HOST_KINDS)
    form = forms.OutflowForm(bound(request), hosts=hosts)

    def record(data):
        return mobile_services.mobile_outflow_record(actor=request.user, member=member, **data)

    outflow, status, reason = submit(request, form, record)
    if outflow is not None:
        messages.success(request, _("已登记 %(name)s 外出，现为流动党员") % {"name": member.name})
        advice = mobile_services.transfer_advice(outflow)
        if advice:
            messages.warning(request, advice)
        return redirect("transfers:mobile:detail", outflow.pk)
    chosen = form["host_org"].value() if form.is_bound else None
    org_row = (
        hosts.select_related("parent").filter(pk=chosen).first() if str(chosen or "").isdigit() else None
    )
    return _form_page(
        request,
        form=form,
        title=_("登记流动党员外出"),
        status=status,
        refusal=reason,
        crumbs=[_crumb(MOBILE_CRUMB), (member.name, None)],
        cancel_url=reverse("transfers:mobile:list"),
        template="members/mobile/new.html",
        member=member,
        submit=_("登记外出"),
        org_options=[org_row] if org_row else [],
        selected_org=str(org_row.pk) if org_row else "",
        field_name="host_org",
    )


@login_required
def mobile_detail(request, pk):
    record = mobile_selectors.get_record_or_404(request.user, pk)
    sides = mobile_selectors.sides(request.user, record)
    out = record.state == MobileState.OUT
    context = {
        "record": record,
        "sides": sides,
        "row": mobile_selectors.inflow_row(record),
        "advice": mobile_services.transfer_advice(record) if sides["home"] and out else "",
        "activities": mobile_selectors.activities_of(record),
        "actions": {"return": out and sides["home"], "activity": out and sides["host"]},
        "history": _history(record) if sides["home"] else [],
        "crumbs": [_crumb(MOBILE_CRUMB), (record.member.name, None)],
    }
    return render(request, "members/mobile/detail.html", context)


@login_required
def mobile_return(request, pk):
    record = mobile_selectors.get_record_or_404(request.user, pk)
    if not mobile_selectors.sides(request.user, record)["home"]:
        raise PermissionDenied(_("只有流出地党组织可以登记返回"))
    form = forms.ReturnForm(bound(request))

    def record_return(data):
        return mobile_services.mobile_return_record(actor=request.user, record=record, **data)

    result, status, reason = submit(request, form, record_return)
    if result is not None:
        messages.success(request, _("已登记 %(name)s 返回") % {"name": record.member.name})
        return redirect("transfers:mobile:detail", record.pk)
    return _form_page(
        request,
        form=form,
        title=_("登记返回"),
        status=status,
        refusal=reason,
        crumbs=[_crumb(MOBILE_CRUMB), (record.member.name, reverse("transfers:mobile:detail", args=[pk]))],
        cancel_url=reverse("transfers:mobile:detail", args=[pk]),
        intro=_("%(name)s 于 %(day)s 外出到 %(to)s。登记返回后恢复为正常状态。")
        % {"name": record.member.name, "day": f"{record.left_on:%Y-%m-%d}", "to": record.destination},
        submit=_("登记返回"),
    )


@login_required
def mobile_activity(request, pk):
    record = mobile_selectors.get_record_or_404(request.user, pk)
    if not mobile_selectors.sides(request.user, record)["host"]:
        raise PermissionDenied(_("只有流入地党组织可以登记参加活动情况"))
    form = forms.ActivityForm(bound(request))

    def record_activity(data):
        return mobile_services.mobile_activity_record(actor=request.user, record=record, **data)

    result, status, reason = submit(request, form, record_activity)
    if result is not None:
        messages.success(request, _("已登记 %(name)s 参加活动") % {"name": record.member.name})
        return redirect("transfers:mobile:detail", record.pk)
    return _form_page(
        request,
        form=form,
        title=_("登记参加活动"),
        status=status,
        refusal=reason,
        crumbs=[_crumb(MOBILE_CRUMB), (record.member.name, reverse("transfers:mobile:detail", args=[pk]))],
        cancel_url=reverse("transfers:mobile:detail", args=[pk]),
        intro=_(
            "流动党员 %(name)s 在本组织参加组织生活；其表决权、选举权和被选举权仍在原党组织（RULES.md 第101条）。"
        )
        % {"name": record.member.name},
        submit=_("登记"),
    )
