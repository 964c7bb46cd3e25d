"""Pages of member self-service (我的档案, 信息更正, 在线咨询) and of the branch's counter (党员服务: 更正审核,
咨询答复).

The member's pages open only for the role `member` and show only the member's own record (403 for every
other role); the branch pages open for the tree roles and show their scope (404 outside it, 403 for members
and reviewers). Each view: own record or scoped fetch → form → one service → redirect with a message; or
the form again with the service's answer (422 bad input, 409 not allowed now, with the reason).
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import push_url

from dangjian.core import scoping
from dangjian.core.errors import ValidationFailed
from dangjian.core.pages import bound, partial, submit

from . import forms_selfservice as forms
from .models import GONE_STATUSES, RequestState
from .selectors import selfservice as selectors
from .services import selfservice as services

PAGE_SIZE = 30
TEMPLATES = "members/selfservice/"


# --- helpers -------------------------------------------------------------------------------------------------


def _unlinked(request, title: str):
    return render(request, TEMPLATES + "unlinked.html", {"title": title, "crumbs": [(title, None)]})


# --- the member: 我的档案 --------------------------------------------------------------------------------------


def _record_context(member, revealed: dict | None = None) -> dict:
    return {
        "member": member,
        "rows": selectors.record_rows(member, revealed=revealed),
        "revealed": revealed is not None,
        "history": selectors.own_history(member),
        "pending_fields": selectors.pending_fields(member),
        "closed": member.status in GONE_STATUSES,
        "crumbs": [(_("我的档案"), None)],
    }


@login_required
def my_record(request):
    member = selectors.own_member(request.user)
    if member is None:
        return _unlinked(request, _("我的档案"))
    return render(request, TEMPLATES + "record.html", _record_context(member))


@login_required
@require_POST
def my_record_reveal(request):
    """显示完整信息: the member's own ID number, phone and address (audited)."""
    member = selectors.own_member_or_404(request.user)
    revealed = services.member_reveal_own(actor=request.user)
    context = _record_context(member, revealed)
    if partial(request, "personal-data"):
        return render(request, TEMPLATES + "record.html#personal", context)
    return render(request, TEMPLATES + "record.html", context)


# --- the member: 信息更正 --------------------------------------------------------------------------------------


@login_required
def my_corrections(request):
    member = selectors.own_member(request.user)
    if member is None:
        return _unlinked(request, _("信息更正"))
    pending = selectors.pending_fields(member)
    choices = [
        {"field": row.field, "label": row.label, "value": row.value, "pending": row.field in pending}
        for row in selectors.record_rows(member)
        if row.correctable
    ]
    context = {
        "member": member,
        "requests": selectors.labelled(selectors.own_corrections(member)[:100]),
        "choices": choices,
        "closed": member.status in GONE_STATUSES,
        "crumbs": [(_("信息更正"), None)],
    }
    return render(request, TEMPLATES + "my_corrections.html", context)


@login_required
def correction_new(request):
    member = selectors.own_member_or_404(request.user)
    field = (request.POST.get("field") or request.GET.get("field") or "").strip()
    list_url = reverse("selfservice:my_corrections:list")
    title = _("申请更正档案信息")
    crumbs = [(_("信息更正"), list_url), (title, None)]
    try:
        spec = services.correctable_spec(field)
    except ValidationFailed as exc:
        # Not correctable by request: say where to go instead (a name needs documents, and so on).
        messages.warning(request, exc.message)
        return redirect(list_url)
    form = forms.CorrectionForm(bound(request), spec=spec)

    def ask(data):
        return services.correction_request_submit(
            actor=request.user,
            field=spec.name,
            requested_value=data["requested_value"],
            reason=data["reason"],
        )

    correction, status, refusal = submit(request, form, ask)
    if correction is not None:
        messages.success(
            request,
            _("已提交更正“%(field)s”的申请，党支部处理后您会在这里看到结果") % {"field": spec.label},
        )
        return redirect(list_url)
    context = {
        "form": form,
        "spec": spec,
        "current": services.in_reader_language(spec.name, services.current_shown(member, spec.name)),
        "title": title,
        "refusal": refusal,
        "crumbs": crumbs,
        "cancel_url": list_url,
    }
    return render(request, TEMPLATES + "correction_form.html", context, status=status)


# --- the member: 在线咨询 --------------------------------------------------------------------------------------


@login_required
def my_consultations(request):
    member = selectors.own_member(request.user)
    if member is None:
        return _unlinked(request, _("在线咨询"))
    context = {
        "member": member,
        "questions": list(selectors.own_consultations(member)[:100]),
        "closed": member.status in GONE_STATUSES,
        "crumbs": [(_("在线咨询"), None)],
    }
    return render(request, TEMPLATES + "my_consultations.html", context)


@login_required
def consultation_new(request):
    member = selectors.own_member_or_404(request.user)
    list_url = reverse("selfservice:my_consultations:list")
    title = _("我要咨询")
    form = forms.ConsultationForm(bound(request))

    def ask(data):
        return services.consultation_ask(actor=request.user, **data)

    question, status, refusal = submit(request, form, ask)
    if question is not None:
        messages.success(request, _("问题已发送给%(org)s，答复后会显示在这里") % {"org": member.org.name})
        return redirect("selfservice:my_consultations:detail", pk=question.pk)
    context = {
        "form": form,
        "member": member,
        "title": title,
        "refusal": refusal,
        "crumbs": [(_("在线咨询"), list_url), (title, None)],
        "cancel_url": list_url,
    }
    return render(request, TEMPLATES + "consultation_form.html", context, status=status)


@login_required
def my_consultation(request, pk):
    member = selectors.own_member_or_404(request.user)
    question = selectors.own_consultation_or_404(member, pk)
    context = {
        "question": question,
        "crumbs": [(_("在线咨询"), reverse("selfservice:my_consultations:list")), (question.subject, None)],
    }
    return render(request, TEMPLATES + "my_consultation.html", context)


# --- the branch: 党员服务 -------------------------------------------------------------------------------------


def _root(request):
    """The subtree filter (?within=): an organization of the user's scope, or the whole scope."""
    within = request.GET.get("within", "")
    return scoping.get_org_or_404(request.user, int(within)) if within.isdigit() else None


def _desk_context(request, tab: str) -> dict:
    return {
        "tab": tab,
        "counts": selectors.service_counts(user=request.user),
        "crumbs": [(_("党员服务"), None)],
    }


def _list_page(request, *, template: str, url_name: str, context: dict):
    if partial(request, "list-body"):
        response = render(request, f"{template}#list-body", context)
        query = urlencode([(k, v) for k, v in request.GET.items() if v])
        return push_url(response, reverse(url_name) + (f"?{query}" if query else ""))
    return render(request, template, context)


def _next_query(request, cursor) -> str:
    params = {k: v for k, v in request.GET.items() if v and k != "before"}
    if cursor:
        params["before"] = cursor
    return "?" + urlencode(params)


@login_required
def service_corrections(request):
    scoping.require_tree_role(request.user)
    root = _root(request)
    form = forms.CorrectionFilterForm(request.GET or None)
    filters = form.values()
    queryset = selectors.corrections_within(user=request.user, root=root, **filters)
    rows, cursor = selectors.keyset(queryset, before=request.GET.get("before"), size=PAGE_SIZE)
    context = {
        **_desk_context(request, "corrections"),
        "rows": selectors.labelled(rows),
        "form": form,
        "filters": filters,
        "root": root,
        "next_url": _next_query(request, cursor) if cursor else "",
        "paged": bool(request.GET.get("before")),
    }
    return _list_page(
        request,
        template=TEMPLATES + "desk_corrections.html",
        url_name="selfservice:desk:corrections",
        context=context,
    )


def _correction_page(request, correction, *, approve=None, reject=None, status=200, refusal=""):
    pending = correction.state == RequestState.PENDING
    spec = services.CORRECTABLE.get(correction.field)
    context = {
        "correction": correction,
        "spec": spec,
        "field_label": services.field_label(correction.field),
        "current": services.in_reader_language(correction.field, correction.current_value),
        "requested": services.in_reader_language(correction.field, services.requested_shown(correction)),
        "pending": pending,
        "approve_form": approve or (forms.ApproveForm() if pending else None),
        "reject_form": reject or (forms.RejectForm() if pending else None),
        "refusal": refusal,
        "crumbs": [
            (_("党员服务"), reverse("selfservice:desk:corrections")),
            (_("更正申请"), None),
        ],
    }
    return render(request, TEMPLATES + "desk_correction.html", context, status=status)


@login_required
def service_correction(request, pk):
    correction = selectors.get_correction_or_404(request.user, pk)
    return _correction_page(request, correction)


@login_required
@require_POST
def service_correction_approve(request, pk):
    correction = selectors.get_correction_or_404(request.user, pk)
    form = forms.ApproveForm(request.POST)

    def approve(data):
        return services.correction_approve(actor=request.user, correction=correction, note=data["note"])

    result, status, refusal = submit(request, form, approve)
    if result is not None:
        messages.success(
            request,
            _("已同意更正，%(name)s的档案已更新：%(field)s")
            % {"name": correction.member.name, "field": services.field_label(correction.field)},
        )
        return redirect("selfservice:desk:correction", pk=pk)
    correction.refresh_from_db()
    return _correction_page(request, correction, approve=form, status=status, refusal=refusal)


@login_required
@require_POST
def service_correction_reject(request, pk):
    correction = selectors.get_correction_or_404(request.user, pk)
    form = forms.RejectForm(request.POST)

    def reject(data):
        return services.correction_reject(actor=request.user, correction=correction, note=data["note"])

    result, status, refusal = submit(request, form, reject)
    if result is not None:
        messages.success(
            request, _("已驳回%(name)s的更正申请，驳回理由党员可以看到") % {"name": correction.member.name}
        )
        return redirect("selfservice:desk:correction", pk=pk)
    correction.refresh_from_db()
    return _correction_page(request, correction, reject=form, status=status, refusal=refusal)


@login_required
def service_consultations(request):
    scoping.require_tree_role(request.user)
    root = _root(request)
    form = forms.ConsultationFilterForm(request.GET or None)
    filters = form.values()
    queryset = selectors.consultations_within(user=request.user, root=root, **filters)
    rows, cursor = selectors.keyset(queryset, before=request.GET.get("before"), size=PAGE_SIZE)
    context = {
        **_desk_context(request, "consultations"),
        "form": form,
        "filters": filters,
        "root": root,
        "rows": rows,
        "next_url": _next_query(request, cursor) if cursor else "",
        "paged": bool(request.GET.get("before")),
    }
    return _list_page(
        request,
        template=TEMPLATES + "desk_consultations.html",
        url_name="selfservice:desk:consultations",
        context=context,
    )


@login_required
def service_consultation(request, pk):
    question = selectors.get_consultation_or_404(request.user, pk)
    open_now = question.answered_at is None
    form = forms.AnswerForm(bound(request)) if open_now or request.method == "POST" else None

    def answer(data):
        return services.consultation_answer(actor=request.user, consultation=question, answer=data["answer"])

    result, status, refusal = submit(request, form, answer) if form is not None else (None, 200, "")
    if result is not None:
        messages.success(
            request, _("已答复，%(name)s可以在“在线咨询”中看到") % {"name": question.member.name}
        )
        return redirect("selfservice:desk:consultation", pk=pk)
    context = {
        "question": question,
        # The member may have moved on to a branch outside the reader's scope since asking.
        "member_in_scope": scoping.in_scope(request.user, question.member.org_path),
        "form": form if open_now else None,
        "refusal": refusal,
        "crumbs": [
            (_("党员服务"), reverse("selfservice:desk:consultations")),
            (question.subject, None),
        ],
    }
    return render(request, TEMPLATES + "desk_consultation.html", context, status=status)
