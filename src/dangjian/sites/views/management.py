"""公示异议 and 动态管理 pages: objections and their resolution; the designated sites and a site's history over
the years; re-review rounds (score, conclude, revocations); 末位管理 rectifications and the award bars."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import scoping
from dangjian.core.crypto import mask_phone
from dangjian.core.pages import bound, submit

from .. import selectors, services
from .. import selectors_pages as pages
from ..forms_admin import (
    NoteForm,
    ObjectionFilterForm,
    ObjectionResolveForm,
    RectificationCloseForm,
    RectificationFilterForm,
    ReReviewScoresForm,
    SiteFilterForm,
)
from ..metrics import METRICS
from ..models import RectificationState, ReReviewState
from ..services.management import scored_by_hand
from .common import crumbs, form_page, home_crumb, list_response, page_of


def _tree_user(request) -> None:
    scoping.require_tree_role(request.user)


# --- objections ------------------------------------------------------------------------------------------------


@login_required
def objection_list(request):
    _tree_user(request)
    user = request.user
    filters = ObjectionFilterForm(request.GET, campaigns=selectors.campaigns_visible(user=user))
    values = filters.values()
    objections = selectors.objections_within(
        user=user, state=values["state"], campaign=values["campaign"] or None
    )
    page, links = page_of(request, objections.order_by("state", "-received_on", "-id"))
    context = {
        "filters": filters,
        "page": page,
        **links,
        "deciders": {o.pk for o in page if pages.is_decider(user, o.application)},
        "crumbs": crumbs(home_crumb(), (_("公示异议"), None)),
    }
    return list_response(request, "sites/objections/list.html", context, "sites:objection_list")


@login_required
def objection_resolve(request, pk):
    _tree_user(request)
    objection = selectors.objections_within(user=request.user).filter(pk=pk).first()
    if objection is None:
        raise Http404(_("异议不存在或不在您的管理范围内"))
    if not pages.is_decider(request.user, objection.application):
        raise PermissionDenied(_("异议由审定该层级示范点的党组织处理"))
    form = ObjectionResolveForm(bound(request))

    def resolve(data):
        return services.objection_resolve(
            actor=request.user, objection=objection, upheld=data["upheld"], resolution=data["resolution"]
        )

    result, status, reason = submit(request, form, resolve)
    if result is not None:
        messages.success(
            request,
            _("已处理异议：%(result)s") % {"result": _("异议成立") if result.upheld else _("异议不成立")},
        )
        if result.upheld:
            messages.warning(request, _("异议成立的，可在申报页面将其确定为未通过。"))
        return redirect("sites:objection_list")
    if request.method == "GET" and objection.state != "open":
        status, reason, form = 409, _("该异议已经处理"), None
    return form_page(
        request,
        form=form,
        title=_("处理异议"),
        status=status,
        refusal=reason,
        crumbs=crumbs(home_crumb(), (_("公示异议"), "sites:objection_list")),
        cancel_url=reverse("sites:objection_list"),
        aside_template="sites/objections/_aside.html",
        objection=objection,
        contact=mask_phone(objection.contact),
        submit=_("保存处理结果"),
    )


# --- designated sites --------------------------------------------------------------------------------------------


@login_required
def site_list(request):
    _tree_user(request)
    user = request.user
    filters = SiteFilterForm(request.GET, campaigns=selectors.campaigns_visible(user=user))
    values = filters.values()
    active = {"yes": True, "no": False}.get(values["active"])
    sites = selectors.sites_within(
        user=user,
        campaign=values["campaign"] or None,
        active=active,
        domain=values["domain"],
        tier=values["tier"],
    ).order_by("-campaign__year", "tier", "plaque_no")
    page, links = page_of(request, sites)
    context = {
        "filters": filters,
        "page": page,
        **links,
        "campaign": values["campaign"] or None,
        "crumbs": crumbs(home_crumb(), (_("示范点"), None)),
    }
    return list_response(request, "sites/sites/list.html", context, "sites:site_list")


@login_required
def site_detail(request, pk):
    _tree_user(request)
    user = request.user
    site = selectors.site_or_404(user=user, pk=pk)
    application = site.application
    context = {
        "site": site,
        "application": application,
        "events": list(selectors.site_history(org=site.org)),
        "rereviews": list(site.rereviews.select_related("campaign").order_by("-campaign__year")),
        "applications": list(
            selectors.applications_within(user=user).filter(org=site.org).order_by("-campaign__year", "tier")
        ),
        "rectifications": list(selectors.rectifications_within(user=user).filter(org=site.org)),
        "may_commend": "commend" in pages.available_actions(user, application, site),
        "may_revoke": "revoke" in pages.available_actions(user, application, site),
        "crumbs": crumbs(home_crumb(), (_("示范点"), "sites:site_list"), (site.org.name, None)),
    }
    return render(request, "sites/sites/detail.html", context)


# --- re-review ---------------------------------------------------------------------------------------------------


@login_required
def rereview_list(request):
    _tree_user(request)
    user = request.user
    campaign = pages.chosen_campaign(user=user, pk=request.GET.get("campaign"))
    state = request.GET.get("state", "")
    rereviews = (
        selectors.rereviews_within(
            user=user, campaign=campaign, state=state if state in ReReviewState.values else ""
        )
        .select_related("site__application")
        .order_by("state", "site__org_path")
        if campaign
        else []
    )
    context = {
        "campaign": campaign,
        "campaigns": selectors.campaigns_visible(user=user),
        "state": state,
        "states": ReReviewState.choices,
        "rows": [(r, pages.is_decider(user, r.site.application)) for r in rereviews],
        "manages": campaign is not None and pages.manages_campaign(user, campaign),
        "crumbs": crumbs(home_crumb(), (_("年度复审"), None)),
    }
    return render(request, "sites/rereviews/list.html", context)


@login_required
def rereview_detail(request, pk):
    """One site's re-review: the hand-scored criteria as a form, the automatic ones computed at the
    conclusion; the conclusion itself; and, when it failed, the way to revoke the plaque."""
    _tree_user(request)
    user = request.user
    rereview = selectors.rereview_or_404(user=user, pk=pk)
    site = rereview.site
    decider = pages.is_decider(user, site.application)
    criteria = list(rereview.catalogue.criteria.order_by("sort_order", "id"))
    hand = [c for c in criteria if scored_by_hand(c)]
    scores = {s.criterion_id: s for s in rereview.scores.all()}
    open_now = rereview.state == ReReviewState.OPEN
    form = ReReviewScoresForm(bound(request), criteria=hand, scores=scores)

    def record(_data):
        if not decider:
            raise PermissionDenied(_("复审由审定该层级示范点的党组织进行"))
        return services.rereview_score(actor=user, rereview=rereview, items=form.items())

    saved, status, reason = submit(request, form, record)
    if saved is not None:
        messages.success(request, _("已保存复审评分 %(n)d 项") % {"n": len(saved)})
        return redirect("sites:rereview_detail", rereview.pk)
    context = {
        "rereview": rereview,
        "site": site,
        "criteria": criteria,
        "hand_codes": {c.code for c in hand},
        "scores": scores,
        "metric_labels": {key: m.label for key, m in METRICS.items()},
        "results": rereview.metric_results or {},
        "form": form if open_now and decider else None,
        "hand_fields": {c.code: (score, note) for c, score, note in form.rows()},
        "conclude_form": NoteForm() if open_now and decider else None,
        "missing": [c.code for c in hand if c.pk not in scores],
        "may_revoke": "revoke" in pages.available_actions(user, site.application, site),
        "refusal": reason,
        "crumbs": crumbs(
            home_crumb(),
            (_("年度复审"), f"{reverse('sites:rereview_list')}?campaign={rereview.campaign_id}"),
            (site.org.name, None),
        ),
    }
    return render(request, "sites/rereviews/detail.html", context, status=status)


@login_required
def rereview_conclude(request, pk):
    _tree_user(request)
    user = request.user
    rereview = selectors.rereview_or_404(user=user, pk=pk)
    if not pages.is_decider(user, rereview.site.application):
        raise PermissionDenied(_("复审由审定该层级示范点的党组织进行"))
    form = NoteForm(bound(request))

    def conclude(data):
        return services.rereview_conclude(actor=user, rereview=rereview, note=data["note"])

    result, status, reason = submit(request, form, conclude)
    if result is not None:
        if result.state == ReReviewState.PASSED:
            messages.success(request, _("复审通过：%(score)s 分") % {"score": result.score})
        else:
            messages.warning(
                request,
                _("复审未通过：%(score)s 分，未达到 %(pass)d 分。可予以摘牌。")
                % {"score": result.score, "pass": result.campaign.rereview_pass_score},
            )
        return redirect("sites:rereview_detail", rereview.pk)
    if request.method == "GET" and rereview.state != ReReviewState.OPEN:
        status, reason, form = 409, _("复审已经结束"), None
    return form_page(
        request,
        form=form,
        title=_("复审结论"),
        status=status,
        refusal=reason,
        crumbs=crumbs(home_crumb(), (_("年度复审"), "sites:rereview_list")),
        cancel_url=reverse("sites:rereview_detail", args=[rereview.pk]),
        intro=_("按评分和自动指标计算复审得分（满分 100），达到 %(pass)d 分的通过，否则未通过、可予以摘牌。")
        % {"pass": rereview.campaign.rereview_pass_score},
        submit=_("得出结论"),
    )


# --- 末位管理 ---------------------------------------------------------------------------------------------------------


@login_required
def rectification_list(request):
    _tree_user(request)
    user = request.user
    today = timezone.localdate()
    filters = RectificationFilterForm(request.GET, campaigns=selectors.campaigns_visible(user=user))
    values = filters.values()
    rectifications = selectors.rectifications_within(
        user=user,
        campaign=values["campaign"] or None,
        state=values["state"],
        overdue_on=today if values["overdue"] else None,
    ).order_by("state", "deadline", "id")
    year = values["campaign"].year if values["campaign"] else None
    bars = selectors.award_bars_within(user=user, year=year).order_by("-year", "org_path", "role")[:500]
    context = {
        "filters": filters,
        "rows": [
            (
                r,
                r.state == RectificationState.OPEN and r.deadline < today,
                pages.is_recommender_path(user, r.org_path),
            )
            for r in rectifications[:500]
        ],
        "bars": bars,
        "today": today,
        "crumbs": crumbs(home_crumb(), (_("末位管理"), None)),
    }
    return render(request, "sites/rectifications/list.html", context)


@login_required
def rectification_close(request, pk):
    _tree_user(request)
    rectification = selectors.rectification_or_404(user=request.user, pk=pk)
    form = RectificationCloseForm(bound(request))

    def close(data):
        return services.rectification_close(
            actor=request.user, rectification=rectification, note=data["note"]
        )

    result, status, reason = submit(request, form, close)
    if result is not None:
        messages.success(request, _("%(org)s 的整改已销号") % {"org": rectification.org.name})
        return redirect("sites:rectification_list")
    if request.method == "GET":
        if not pages.is_recommender_path(request.user, rectification.org_path):
            raise PermissionDenied(_("整改由上级党组织验收销号"))
        if rectification.state != RectificationState.OPEN:
            status, reason, form = 409, _("该整改任务已经销号"), None
    return form_page(
        request,
        form=form,
        title=_("整改销号"),
        status=status,
        refusal=reason,
        crumbs=crumbs(home_crumb(), (_("末位管理"), "sites:rectification_list")),
        cancel_url=reverse("sites:rectification_list"),
        intro=_("%(org)s：%(task)s（限 %(deadline)s 前）")
        % {
            "org": rectification.org.name,
            "task": rectification.task,
            "deadline": f"{rectification.deadline:%Y-%m-%d}",
        },
        submit=_("销号"),
    )
