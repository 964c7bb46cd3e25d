"""年度创建 pages: the campaigns, opening one (phases with their default dates, weights, thresholds and the
quotas table with 方案三's 40 county sites prefilled), editing, quotas, closing; the progress page, the
ranking per domain and tier, public notices and 末位管理."""

from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core.errors import ValidationFailed
from dangjian.core.pages import bound, submit

from .. import selectors, services
from .. import selectors_pages as pages
from ..forms import ConfirmForm
from ..forms_admin import BottomRankForm, CampaignEditForm, CampaignOpenForm, NoticeForm, QuotaForm
from ..models import ApplicationState, Campaign, ObjectionState, RectificationState, ReReviewState, Tier
from .common import crumbs, form_page, home_crumb, require_admin, require_staff


def _campaign_crumbs(campaign: Campaign | None = None):
    pairs = [home_crumb(), (_("年度创建工作"), "sites:campaign_list")]
    if campaign is not None:
        pairs.append((campaign.title, "sites:campaign_detail", campaign.pk))
    return crumbs(*pairs)


def _managed_campaign(request, pk) -> Campaign:
    """A campaign the user sees (404 otherwise) and manages (403 otherwise)."""
    campaign = selectors.campaign_or_404(user=request.user, pk=pk)
    require_admin(request.user)
    if not pages.manages_campaign(request.user, campaign):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied(_("该年度创建工作不在您的管理范围内"))
    return campaign


@login_required
def campaign_list(request):
    user = request.user
    require_staff(user)
    campaigns = list(selectors.campaigns_visible(user=user))
    context = {
        "campaigns": campaigns,
        "is_admin": user.role == "county_admin",
        "crumbs": crumbs(home_crumb(), (_("年度创建工作"), None)),
    }
    return render(request, "sites/campaigns/list.html", context)


@login_required
def campaign_new(request):
    require_admin(request.user)
    today = timezone.localdate()
    year_text = request.POST.get("year") or request.GET.get("year") or ""
    if year_text.isdigit() and 2000 <= int(year_text) <= 2100:
        year = int(year_text)
    else:  # this year's campaign, or the next one's when this year's is already open
        taken = selectors.campaigns_visible(user=request.user).filter(org=request.user.org, year=today.year)
        year = today.year + 1 if taken.exists() else today.year
    form = CampaignOpenForm(bound(request), year=year)

    def open_campaign(data):
        values = form.settings_values()
        title = values.pop("title")
        return services.campaign_open(
            actor=request.user, year=data["year"], title=title, quotas=form.quotas(), **values
        )

    campaign, status, reason = submit(request, form, open_campaign)
    if campaign is not None:
        messages.success(
            request,
            _("已开启 %(title)s，共 %(n)d 个名额")
            % {"title": campaign.title, "n": sum(form.quotas().values())},
        )
        return redirect("sites:campaign_detail", campaign.pk)
    return form_page(
        request,
        form=form,
        title=_("开启年度创建工作"),
        status=status,
        refusal=reason,
        crumbs=_campaign_crumbs(),
        cancel_url=reverse("sites:campaign_list"),
        intro=_(
            "各阶段截止日期按方案一、方案四预填（动员部署 3 月下旬前，创建计划 3 月底前，组织实施 6 月上旬前，"
            "总结验收 7 月上旬前）；名额按方案三预填县级 40 个：农村 18（乡镇 3、村 15）、社区 3、国有企业 2、"
            "非公有制企业 3、机关 10、事业单位 4。改年度时可在地址栏加 ?year=年度 重新预填日期。"
        ),
        fields_template="sites/campaigns/_fields.html",
        submit=_("开启"),
    )


@login_required
def campaign_detail(request, pk):
    """The progress page: phases, quotas against designations and applications by state, notices, the
    re-review round and 末位管理 of the campaign."""
    user = request.user
    require_staff(user)
    campaign = selectors.campaign_or_404(user=user, pk=pk)
    today = timezone.localdate()
    progress = selectors.campaign_progress(user=user, campaign=campaign, today=today)
    tree_role = not selectors.is_reviewer(user)
    manages = pages.manages_campaign(user, campaign)
    rereviews = Counter()
    rectifications = Counter()
    if tree_role:
        rereviews = Counter(
            selectors.rereviews_within(user=user, campaign=campaign).values_list("state", flat=True)
        )
        rectifications = Counter(
            selectors.rectifications_within(user=user, campaign=campaign).values_list("state", flat=True)
        )
    notices = list(selectors.notices_of(user=user, campaign=campaign).prefetch_related("applications__org"))
    context = {
        "campaign": campaign,
        "phase": pages.phase_label(progress["phase"]),
        "phases": pages.phase_steps(campaign, today),
        "progress": progress,
        "rows": pages.domain_rows(progress),
        "states": ApplicationState.choices,
        "by_state": progress["by_state"],
        "notices": notices,
        "rereviews": {state: rereviews.get(state, 0) for state in ReReviewState.values},
        "rereview_total": sum(rereviews.values()),
        "rectifications_open": rectifications.get(RectificationState.OPEN, 0),
        "rectifications_total": sum(rectifications.values()),
        "open_objections": selectors.objections_within(
            user=user, campaign=campaign, state=ObjectionState.OPEN
        ).count()
        if tree_role
        else 0,
        "manages": manages,
        "tree_role": tree_role,
        "can_apply": campaign.is_open
        and user.role in ("branch_secretary", "committee_officer", "county_admin"),
        "crumbs": [*_campaign_crumbs(campaign)[:-1], (campaign.title, None)],
    }
    return render(request, "sites/campaigns/detail.html", context)


@login_required
def campaign_edit(request, pk):
    campaign = _managed_campaign(request, pk)
    initial = {name: getattr(campaign, name) for name in CampaignEditForm.SETTINGS}
    form = CampaignEditForm(bound(request), initial=initial)

    def update(_data):
        return services.campaign_update(actor=request.user, campaign=campaign, **form.settings_values())

    result, status, reason = submit(request, form, update)
    if result is not None:
        messages.success(request, _("已保存 %(title)s") % {"title": result.title})
        return redirect("sites:campaign_detail", campaign.pk)
    if request.method == "GET" and not campaign.is_open:
        status, reason, form = 409, _("年度创建工作已结束，不能再修改"), None
    return form_page(
        request,
        form=form,
        title=_("修改年度创建工作"),
        status=status,
        refusal=reason,
        crumbs=_campaign_crumbs(campaign),
        cancel_url=reverse("sites:campaign_detail", args=[campaign.pk]),
        fields_template="sites/campaigns/_fields.html",
        submit=_("保存"),
    )


@login_required
def campaign_quotas(request, pk):
    campaign = _managed_campaign(request, pk)
    current = {(q.domain, q.tier): q.number for q in campaign.quotas.all()}
    form = QuotaForm(bound(request), current=current)

    def save(_data):
        # The table is saved whole or not at all: each changed quota through the service, in one transaction.
        wanted = form.quotas()
        changed = {key: n for key, n in wanted.items() if n != current.get(key, 0)}
        with transaction.atomic():
            for (domain, tier), number in changed.items():
                try:
                    services.quota_set(
                        actor=request.user, campaign=campaign, domain=domain, tier=tier, number=number
                    )
                except ValidationFailed as exc:
                    from ..forms_admin import quota_key

                    raise ValidationFailed(
                        exc.message, [{"field": quota_key(domain, tier), "message": exc.message}]
                    ) from None
        return changed

    changed, status, reason = submit(request, form, save)
    if changed is not None:
        messages.success(request, _("已保存名额（修改 %(n)d 项）") % {"n": len(changed)})
        return redirect("sites:campaign_detail", campaign.pk)
    if request.method == "GET" and not campaign.is_open:
        status, reason, form = 409, _("年度创建工作已结束，不能再修改名额"), None
    return form_page(
        request,
        form=form,
        title=_("名额"),
        status=status,
        refusal=reason,
        crumbs=_campaign_crumbs(campaign),
        cancel_url=reverse("sites:campaign_detail", args=[campaign.pk]),
        intro=_("每个领域、层级的示范点个数；不能少于已授牌数。"),
        fields_template="sites/campaigns/_quotas.html",
        submit=_("保存名额"),
    )


@login_required
def campaign_close(request, pk):
    campaign = _managed_campaign(request, pk)
    form = ConfirmForm(bound(request))

    def close(_data):
        return services.campaign_close(actor=request.user, campaign=campaign)

    result, status, reason = submit(request, form, close)
    if result is not None:
        messages.success(request, _("%(title)s 已结束") % {"title": campaign.title})
        return redirect("sites:campaign_detail", campaign.pk)
    if request.method == "GET" and not campaign.is_open:
        status, reason, form = 409, _("年度创建工作已经结束"), None
    return form_page(
        request,
        form=form,
        title=_("结束年度创建工作"),
        status=status,
        refusal=reason,
        crumbs=_campaign_crumbs(campaign),
        cancel_url=reverse("sites:campaign_detail", args=[campaign.pk]),
        intro=_("结束后不能再申报、考评、公示或授牌，也不能修改设置和名额；已授牌的示范点和历程保留。"),
        submit=_("确认结束"),
        submit_class="btn-danger",
        confirm=_("确定结束 %(title)s 吗？") % {"title": campaign.title},
    )


@login_required
def ranking(request, pk):
    user = request.user
    require_staff(user)
    campaign = selectors.campaign_or_404(user=user, pk=pk)
    domain = request.GET.get("domain", "")
    tier = request.GET.get("tier", "")
    groups = selectors.ranking(
        user=user,
        campaign=campaign,
        domain=domain if domain in dict(pages.Domain.choices) else "",
        tier=tier if tier in Tier.values else "",
    )
    context = {
        "campaign": campaign,
        "groups": groups,
        "domain": domain,
        "tier": tier,
        "domains": pages.Domain.choices,
        "tiers": Tier.choices,
        "crumbs": [*_campaign_crumbs(campaign), (_("考评排名"), None)],
    }
    return render(request, "sites/campaigns/ranking.html", context)


@login_required
def notice_new(request, pk):
    campaign = _managed_campaign(request, pk)
    evaluated = (
        selectors.applications_within(user=request.user, campaign=campaign, state=ApplicationState.EVALUATED)
        .select_related("org")
        .order_by("domain", "tier", "-total_score", "org_path")
    )
    form = NoticeForm(
        bound(request),
        applications=evaluated,
        initial={"working_days": campaign.notice_working_days, "applications": list(evaluated)},
    )

    def publish(data):
        return services.notice_publish(
            actor=request.user,
            campaign=campaign,
            applications=list(data["applications"]),
            starts_on=data["starts_on"],
            working_days=data["working_days"],
            title=data["title"],
            text=data["text"],
        )

    notice, status, reason = submit(request, form, publish)
    if notice is not None:
        messages.success(
            request,
            _("已发布公示：%(start)s 至 %(end)s，共 %(n)d 个申报")
            % {
                "start": f"{notice.starts_on:%Y-%m-%d}",
                "end": f"{notice.ends_on:%Y-%m-%d}",
                "n": notice.applications.count(),
            },
        )
        return redirect("sites:campaign_detail", campaign.pk)
    if request.method == "GET" and not evaluated.exists():
        status, reason, form = 409, _("没有已考评、待公示的申报"), None
    return form_page(
        request,
        form=form,
        title=_("发布公示"),
        status=status,
        refusal=reason,
        crumbs=_campaign_crumbs(campaign),
        cancel_url=reverse("sites:campaign_detail", args=[campaign.pk]),
        intro=_(
            "选中的已考评申报一起公示（方案三：对评定结果进行公示）。公示期按工作日计算，跳过周末和节假日；"
            "公示期间群众可以在党务公开栏提出异议，公示期满、异议处理完毕后才能授牌。"
        ),
        submit=_("发布公示"),
    )


@login_required
def bottom_rank(request, pk):
    """末位管理: the units assessed this year per domain, lowest first, the bottom ones marked; the form
    gives them a rectification task with a deadline and bars them from this year's awards."""
    campaign = _managed_campaign(request, pk)
    groups = selectors.bottom_rank_candidates(campaign=campaign)
    existing = set(
        selectors.rectifications_within(user=request.user, campaign=campaign).values_list("org_id", flat=True)
    )
    form = BottomRankForm(bound(request))

    def apply(data):
        return services.bottom_rank_apply(
            actor=request.user, campaign=campaign, deadline=data["deadline"], task=data["task"]
        )

    created, status, reason = submit(request, form, apply)
    if created is not None:
        messages.success(
            request,
            _("已对 %(n)d 个末位单位下达限期整改，并限制其当年评先评优") % {"n": len(created)}
            if created
            else _("没有新的末位单位需要下达整改"),
        )
        return redirect("sites:rectification_list")
    context = {
        "campaign": campaign,
        "groups": groups,
        "existing": existing,
        "form": form,
        "refusal": reason,
        "crumbs": [*_campaign_crumbs(campaign), (_("末位管理"), None)],
    }
    return render(request, "sites/campaigns/bottom_rank.html", context, status=status)


@login_required
def rereview_open(request, pk):
    campaign = _managed_campaign(request, pk)
    form = ConfirmForm(bound(request))

    def open_round(_data):
        return services.rereview_open(actor=request.user, campaign=campaign)

    created, status, reason = submit(request, form, open_round)
    if created is not None:
        messages.success(request, _("已启动年度复审：%(n)d 个示范点") % {"n": len(created)})
        return redirect(f"{reverse('sites:rereview_list')}?campaign={campaign.pk}")
    return form_page(
        request,
        form=form,
        title=_("启动年度复审"),
        status=status,
        refusal=reason,
        crumbs=_campaign_crumbs(campaign),
        cancel_url=reverse("sites:campaign_detail", args=[campaign.pk]),
        intro=_(
            "对以往年度授牌、仍在牌的示范点，按 %(year)d 年本领域的创建标准逐一复审（方案三：每年进行复审，"
            "不搞“终身制”）。已启动过的不会重复。复审未达到 %(pass)d 分的，可予以摘牌。"
        )
        % {"year": campaign.year, "pass": campaign.rereview_pass_score},
        submit=_("启动复审"),
    )
