"""Development plans (发展党员计划): a committee sets a year's numbers per branch and follows its progress
(admissions counted on the 支部大会 date, `selectors.plan_progress`)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import scoping
from dangjian.core.errors import ValidationFailed
from dangjian.core.pages import bound, partial, submit

from . import selectors, selectors_pages, services
from .forms import PlanForm
from .views_common import approver, crumbs


def _plans_crumbs(*tail):
    return crumbs((_("发展计划"), reverse("recruitment:plan_list")), *tail)


@login_required
def plan_list(request):
    scoping.require_tree_role(request.user)
    today = timezone.localdate()
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else None
    plans = list(selectors.plans_within(user=request.user, year=year))
    context = {
        "rows": selectors_pages.plan_summaries(plans),
        "year": year,
        "years": sorted(
            {p.year for p in selectors.plans_within(user=request.user)} | {today.year}, reverse=True
        ),
        "can_create": approver(request.user) and selectors_pages.planning_orgs(user=request.user).exists(),
        "today": today,
        "crumbs": _plans_crumbs(),
    }
    return render(request, "recruitment/plans.html", context)


def _require_planner(user) -> None:
    scoping.require_tree_role(user)
    if not approver(user):
        raise PermissionDenied(_("发展党员计划由党委（党工委）制定，党支部不能制定"))


@login_required
def plan_create(request):
    _require_planner(request.user)
    user = request.user
    orgs = list(selectors_pages.planning_orgs(user=user))
    source = request.POST if request.method == "POST" else request.GET
    raw_org = source.get("org", "")
    chosen = next((o for o in orgs if raw_org.isdigit() and o.pk == int(raw_org)), None)
    if chosen is None and len(orgs) == 1:
        chosen = orgs[0]
    branches = list(selectors.branches_under(chosen).order_by("path")) if chosen else []
    year = timezone.localdate().year
    initial = {"org": chosen.pk if chosen else None, "year": source.get("year") or year}
    form = PlanForm(
        bound(request),
        orgs=[(o.pk, o.name) for o in orgs],
        branches=branches,
        initial=initial,
    )
    lines_context = _lines_context(
        branches, int(initial["year"]) if str(initial["year"]).isdigit() else year, form
    )
    if request.method == "GET" and partial(request, "plan-lines"):
        return render(request, "recruitment/plan_form.html#lines", lines_context)

    def create(data):
        if chosen is None:
            raise ValidationFailed.field("org_id", _("请选择制定计划的党委"))
        return services.plan_create(
            actor=user, org=chosen, year=data["year"], lines=form.lines(), note=data.get("note") or ""
        )

    plan, status, refusal = submit(request, form, create)
    if plan is not None:
        messages.success(
            request, _("已制定%(org)s %(year)d 年发展党员计划") % {"org": plan.org.name, "year": plan.year}
        )
        return redirect("recruitment:plan_detail", plan.pk)
    title = _("制定发展计划")
    return render(
        request,
        "recruitment/plan_form.html",
        {
            "form": form,
            "title": title,
            "refusal": refusal,
            "chosen": chosen,
            "mode": "create",
            "cancel_url": reverse("recruitment:plan_list"),
            "crumbs": _plans_crumbs((title, None)),
            **lines_context,
        },
        status=status,
    )


def _lines_context(branches, year: int, form) -> dict:
    admitted = selectors_pages.admitted_counts(branches, year)
    ready = selectors_pages.open_counts_by_branch(branches)
    return {
        "form": form,
        "line_rows": [
            {
                "branch": branch,
                "field": form[f"quota_{branch.pk}"],
                "admitted": admitted.get(branch.pk, 0),
                "candidates": ready.get(branch.pk, {}).get("candidates", 0),
                "activists": ready.get(branch.pk, {}).get("activists", 0),
            }
            for branch in branches
        ],
    }


@login_required
def plan_detail(request, pk):
    plan = selectors.get_plan_or_404(request.user, pk)
    progress = selectors.plan_progress(plan)
    for line in progress:
        line["done"] = line["quota"] and line["admitted"] >= line["quota"]
    quota = sum(line["quota"] for line in progress)
    admitted = sum(line["admitted"] for line in progress)
    context = {
        "plan": plan,
        "progress": progress,
        "quota": quota,
        "admitted": admitted,
        "percent": round(100 * admitted / quota) if quota else None,
        "can_edit": approver(request.user),
        "crumbs": _plans_crumbs((_("%(org)s %(year)d 年") % {"org": plan.org.name, "year": plan.year}, None)),
    }
    return render(request, "recruitment/plan_detail.html", context)


@login_required
def plan_edit(request, pk):
    plan = selectors.get_plan_or_404(request.user, pk)
    _require_planner(request.user)
    branches = list(selectors.branches_under(plan.org).order_by("path"))
    quotas = {line.org_id: line.quota for line in plan.lines.all()}
    extra = [line.org for line in plan.lines.all() if line.org_id not in {b.pk for b in branches}]
    branches += extra  # a branch dissolved since keeps its line visible
    form = PlanForm(
        bound(request),
        orgs=[(plan.org.pk, plan.org.name)],
        branches=branches,
        initial={"org": plan.org.pk, "year": plan.year, "note": plan.note},
        initial_quotas=quotas,
        fixed=True,
    )

    def update(data):
        return services.plan_update(
            actor=request.user, plan=plan, lines=form.lines(), note=data.get("note") or ""
        )

    result, status, refusal = submit(request, form, update)
    if result is not None:
        messages.success(request, _("已修改 %(year)d 年发展党员计划") % {"year": result.year})
        return redirect("recruitment:plan_detail", result.pk)
    title = _("修改发展计划")
    return render(
        request,
        "recruitment/plan_form.html",
        {
            "form": form,
            "title": title,
            "refusal": refusal,
            "chosen": plan.org,
            "plan": plan,
            "mode": "edit",
            "cancel_url": reverse("recruitment:plan_detail", args=[plan.pk]),
            "crumbs": _plans_crumbs((title, None)),
            **_lines_context(branches, plan.year, form),
        },
        status=status,
    )
