"""总览 (/sites/): the current campaign's phases, progress by domain against the quotas, the board of
designated sites, overdue applications and the distribution of scores — for the county admin, and for a
committee officer over their subtree. Secretaries land on their applications, reviewers on their work."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import selectors
from .. import selectors_pages as pages
from ..models import ApplicationState, Tier
from .common import require_staff


@login_required
def overview(request):
    user = request.user
    require_staff(user)
    if selectors.is_reviewer(user):
        return redirect("sites:review_list")
    if user.role == "branch_secretary":
        return redirect("sites:application_list")
    campaign = pages.chosen_campaign(user=user, pk=request.GET.get("campaign"))
    context = {
        "campaign": campaign,
        "campaigns": selectors.campaigns_visible(user=user),
        "is_admin": user.role == "county_admin",
        "crumbs": [(_("示范点创建"), None)],
    }
    if campaign is None:
        return render(request, "sites/overview.html", context)
    today = timezone.localdate()
    progress = selectors.campaign_progress(user=user, campaign=campaign, today=today)
    rows = pages.domain_rows(progress)
    histogram = pages.score_histogram(user=user, campaign=campaign)
    by_state = progress["by_state"]
    county_rows = [r for r in rows if r.tier == Tier.COUNTY] or rows
    context.update(
        {
            "today": today,
            "phase": pages.phase_label(progress["phase"]),
            "phases": pages.phase_steps(campaign, today),
            "progress": progress,
            "rows": rows,
            "submitted_total": sum(r.submitted for r in rows),
            "evaluated_total": sum(r.evaluated for r in rows),
            "in_review": by_state.get(ApplicationState.RECOMMENDED, 0),
            "drafts": by_state.get(ApplicationState.DRAFT, 0),
            "overdue": selectors.overdue_applications(user=user, campaign=campaign, today=today),
            "histogram": histogram,
            "scored": sum(n for _label, n in histogram),
            "board": pages.designated_board(user=user, campaign=campaign),
            "tier_labels": dict(Tier.choices),
            "charts": {
                "quota": {
                    "labels": [r.label for r in county_rows],
                    "series": [
                        {"name": _("名额"), "values": [r.quota for r in county_rows]},
                        {"name": _("已申报"), "values": [r.submitted for r in county_rows]},
                        {"name": _("已考评"), "values": [r.evaluated for r in county_rows]},
                        {"name": _("已授牌"), "values": [r.designated for r in county_rows]},
                    ],
                },
                "scores": {
                    "labels": [label for label, _n in histogram],
                    "values": [n for _l, n in histogram],
                },
            },
        }
    )
    return render(request, "sites/overview.html", context)
