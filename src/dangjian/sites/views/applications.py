"""申报 pages: the list (filters in the URL, htmx), applying, the application page — a state line of the eight
states with the actions the user may take now, and tabs (创建计划, 基层自评, 群众测评, 组织考评, 自动指标, 历程,
操作记录) — the plan and self-evaluation forms, and every workflow action through one view."""

from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.core import scoping
from dangjian.core.errors import TransitionNotAllowed
from dangjian.core.pages import bound, submit

from .. import rules, scoring, selectors, services
from .. import selectors_pages as pages
from ..forms import (
    ApplicationCreateForm,
    ApplicationFilterForm,
    AssignReviewerForm,
    CommendForm,
    ConfirmForm,
    PlanForm,
    PublicizeForm,
    ReasonForm,
    SelfScoresForm,
    SurveyCodesForm,
)
from ..metrics import METRICS
from ..models import Application, ApplicationState, Method, ReviewMethod
from ..services.common import state_labels
from .common import crumbs, form_page, home_crumb, list_response, page_of, require_staff

TABS = (
    ("plan", gettext_lazy("创建计划")),
    ("self", gettext_lazy("基层自评")),
    ("survey", gettext_lazy("群众测评")),
    ("review", gettext_lazy("组织考评")),
    ("metrics", gettext_lazy("自动指标")),
    ("history", gettext_lazy("历程")),
    ("log", gettext_lazy("操作记录")),
)
MAIN_PATH = (
    ApplicationState.DRAFT,
    ApplicationState.SUBMITTED,
    ApplicationState.RECOMMENDED,
    ApplicationState.EVALUATED,
    ApplicationState.PUBLICIZED,
    ApplicationState.DESIGNATED,
)
BRANCHES = (ApplicationState.REJECTED, ApplicationState.REVOKED)
STEP_DATES = {
    ApplicationState.SUBMITTED: "submitted_on",
    ApplicationState.RECOMMENDED: "recommended_on",
    ApplicationState.EVALUATED: "evaluated_on",
    ApplicationState.PUBLICIZED: "publicized_on",
    ApplicationState.DESIGNATED: "designated_on",
    ApplicationState.REJECTED: "closed_on",
    ApplicationState.REVOKED: "closed_on",
}

# action → (label, icon, form class, button style). Actions with input open a form page; others post directly.
ACTION_SPECS = {
    "submit": (gettext_lazy("提交申报"), "send", ConfirmForm, "btn-primary"),
    "recommend": (gettext_lazy("推荐上报"), "hand-thumbs-up", ConfirmForm, "btn-primary"),
    "evaluate": (gettext_lazy("确定考评结果"), "clipboard-check", ConfirmForm, "btn-primary"),
    "publicize": (gettext_lazy("公示"), "megaphone", PublicizeForm, "btn-primary"),
    "designate": (gettext_lazy("授牌"), "award", ConfirmForm, "btn-primary"),
    "recommend_city": (gettext_lazy("推荐为市级示范点"), "arrow-up-circle", ConfirmForm, "btn-light"),
    "commend": (gettext_lazy("七一表彰"), "star", CommendForm, "btn-light"),
    "return": (gettext_lazy("退回修改"), "arrow-counterclockwise", ReasonForm, "btn-light"),
    "reject": (gettext_lazy("确定为未通过"), "x-circle", ReasonForm, "btn-light text-danger"),
    "revoke": (gettext_lazy("摘牌"), "slash-circle", ReasonForm, "btn-light text-danger"),
}
ACTION_INTROS = {
    "submit": gettext_lazy("提交后创建计划和自评分不能再修改，由上级党组织审核推荐（方案一 三(二)）。"),
    "recommend": gettext_lazy("经审核，择优向县委组织部推荐（方案三：好中选优）。"),
    "evaluate": gettext_lazy(
        "按基层自评、群众测评、组织考评三个部分和本年度的权重计算综合得分并固定下来（方案二 四(六)）。"
        "需要全部评审人员完成评分，群众测评答卷达到规定份数。"
    ),
    "publicize": gettext_lazy("单独为该申报发布一份公示；多个申报一起公示请在年度创建工作页面“发布公示”。"),
    "designate": gettext_lazy("公示期满、异议处理完毕、名额以内的，授予示范点牌匾，生成牌匾编号（方案三）。"),
    "recommend_city": gettext_lazy(
        "以本县级示范点为基础生成一份市级申报（方案三：好中选优、优中选强），由市里考评。"
    ),
    "commend": gettext_lazy("每年“七一”前，根据考核结果对示范点进行表彰（方案三）。"),
    "return": gettext_lazy("退回后申报回到草稿，申报单位修改后重新提交。"),
    "reject": gettext_lazy("确定为未通过后，本年度该层级的申报结束。"),
    "revoke": gettext_lazy(
        "复审不再符合示范点要求的，予以摘牌（方案三：不搞“终身制”）；摘牌后不再出现在公开名单中。"
    ),
}


def application_crumbs(application: Application, *, last: bool = False):
    pairs = [home_crumb(), (_("申报"), "sites:application_list")]
    label = f"{application.campaign.year} {application.org.name}"
    pairs.append((label, None) if last else (label, "sites:application_detail", application.pk))
    return crumbs(*pairs)


# --- list and new ------------------------------------------------------------------------------------------------


@login_required
def application_list(request):
    user = request.user
    require_staff(user)
    campaigns = selectors.campaigns_visible(user=user)
    filters = ApplicationFilterForm(
        request.GET, campaigns=campaigns, subtrees=pages.subtree_choices(user=user)
    )
    values = filters.values()
    queryset = selectors.applications_within(
        user=user,
        campaign=values["campaign"] or None,
        state=values["state"],
        domain=values["domain"],
        tier=values["tier"],
        within=values["within"] or None,
    ).order_by("-campaign__year", "org_path", "tier", "id")
    page, links = page_of(request, queryset)
    tree_role = user.role in scoping.TREE_ROLES
    context = {
        "filters": filters,
        "page": page,
        **links,
        "can_apply": tree_role and pages.open_campaigns(user=user).exists(),
        "is_reviewer": selectors.is_reviewer(user),
        "crumbs": crumbs(home_crumb(), (_("申报"), None)),
    }
    return list_response(request, "sites/applications/list.html", context, "sites:application_list")


@login_required
def application_new(request):
    user = request.user
    require_staff(user)
    scoping.require_tree_role(user)
    campaigns = pages.open_campaigns(user=user)
    orgs = pages.applicant_orgs(user=user)
    initial = {}
    if str(request.GET.get("campaign", "")).isdigit():
        initial["campaign"] = int(request.GET["campaign"])
    if user.role == "branch_secretary" and user.org_id:
        initial["org"] = user.org_id
    form = ApplicationCreateForm(bound(request), campaigns=campaigns, orgs=orgs, initial=initial)

    def create(data):
        return services.application_create(
            actor=user, campaign=data["campaign"], org=data["org"], tier=data["tier"], **form.plan()
        )

    application, status, reason = submit(request, form, create)
    if application is not None:
        messages.success(
            request,
            _("已建立 %(org)s 的申报草稿。请完成创建计划和基层自评，上传佐证材料后提交。")
            % {"org": application.org.name},
        )
        return redirect("sites:application_detail", application.pk)
    if request.method == "GET" and not campaigns.exists():
        status, reason, form = 409, _("目前没有进行中的年度创建工作，不能申报"), None
    return form_page(
        request,
        form=form,
        title=_("申报示范点"),
        status=status,
        refusal=reason,
        crumbs=crumbs(home_crumb(), (_("申报"), "sites:application_list")),
        cancel_url=reverse("sites:application_list"),
        intro=_(
            "先建立申报草稿：明确创建目标、内容、进度、措施及相关责任人（方案一 三(二)），可以先保存、随后补充。"
            "提交前还要对照创建标准完成基层自评。"
        ),
        submit=_("建立申报草稿"),
    )


# --- the application page ----------------------------------------------------------------------------------------


def state_steps(application: Application) -> list[dict]:
    """The eight states as a line: the main path, then the two ways out; done, current or ahead."""
    labels = state_labels()
    state = application.state
    if state in MAIN_PATH:
        reached = MAIN_PATH.index(state)
    elif state == ApplicationState.REVOKED:
        reached = len(MAIN_PATH)
    else:  # rejected: the main path up to the last step it reached
        reached = max(
            [0]
            + [
                MAIN_PATH.index(s) + 1
                for s, f in STEP_DATES.items()
                if s in MAIN_PATH and getattr(application, f)
            ]
        )
    steps = []
    for index, value in enumerate(MAIN_PATH):
        day = getattr(application, STEP_DATES[value]) if value in STEP_DATES else None
        steps.append(
            {
                "state": value,
                "label": labels[value],
                "current": value == state,
                "done": index < reached,
                "branch": False,
                "day": day if index < reached or value == state else None,
            }
        )
    for value in BRANCHES:
        steps.append(
            {
                "state": value,
                "label": labels[value],
                "current": value == state,
                "done": False,
                "branch": True,
                "day": application.closed_on if value == state else None,
            }
        )
    return steps


def _visible_reviewers(user, application: Application, sheet) -> list:
    if pages.shows_all_reviews(user, application):
        return sheet.reviewers
    return [r for r in sheet.reviewers if r.assignment.reviewer_id == user.pk]


def _audit_rows(entries) -> list[dict]:
    labels = {f.attname: str(f.verbose_name) for f in Application._meta.concrete_fields}
    labels.update({"campaign_id": _("年度创建工作"), "org_id": _("申报组织"), "catalogue_id": _("创建标准")})
    rows = []
    for entry in entries:
        before, after = entry.before or {}, entry.after or {}
        changes = [
            (labels.get(key, key), before.get(key, ""), after.get(key, ""))
            for key in sorted(set(before) | set(after))
            if before.get(key) != after.get(key)
        ]
        rows.append({"entry": entry, "changes": changes})
    return rows


def _tab_context(request, application: Application, tab: str) -> dict:
    user = request.user
    context: dict = {}
    if tab in ("self", "survey", "review", "metrics"):
        sheet = scoring.score_sheet(application, timezone.localdate())
        context["sheet"] = sheet
        context["criteria_groups"] = [
            (group, list(items)) for group, items in groupby(sheet.criteria, key=lambda c: c.group)
        ]
    if tab == "self":
        evidence = pages.evidence_of(application)
        by_code: dict[str, list] = {}
        for item in evidence:
            by_code.setdefault(item.criterion.code if item.criterion_id else "", []).append(item)
        context.update({"evidence": evidence, "evidence_by_code": by_code})
    elif tab == "survey":
        sheet = context["sheet"]
        campaign = application.campaign
        rate = sheet.satisfaction
        context.update(
            {
                "codes": pages.survey_counts(application),
                "rate": rules.percent(rate),
                "rate_met": rules.satisfaction_met(rate, campaign.satisfaction_threshold),
                "may_generate": pages.may_generate_codes(user, application),
                "codes_form": SurveyCodesForm(),
                "sheet_url": _survey_sheet_url(application),
            }
        )
    elif tab == "review":
        sheet = context["sheet"]
        reviewers = _visible_reviewers(user, application, sheet)
        context.update(
            {
                "reviewers": reviewers,
                "photos": pages.photos_of(application, [r.assignment for r in reviewers]),
                "methods": ReviewMethod.choices,
                "manual": [c for c in sheet.criteria if c.method == Method.MANUAL],
                "may_assign": pages.may_assign_reviewers(user, application),
                "assign_form": AssignReviewerForm(
                    reviewers=pages.assignable_reviewers(user=user, application=application)
                )
                if pages.may_assign_reviewers(user, application)
                else None,
                "own_assignment": selectors.assignment_of(user=user, application=application),
                "assignments_count": application.assignments.count(),
            }
        )
    elif tab == "metrics":
        context["metric_labels"] = {key: metric.label for key, metric in METRICS.items()}
    elif tab == "history":
        context["events"] = list(selectors.site_history(org=application.org))
    elif tab == "log":
        context["log_rows"] = _audit_rows(pages.audit_entries(application))
    return context


def _survey_sheet_url(application: Application) -> str:
    from .common import optional_url

    return optional_url("sites:survey_sheet", application.pk) or optional_url(
        "disclosure:survey_sheet", application.pk
    )


def _tabs_for(user) -> tuple:
    if selectors.is_reviewer(user):
        return tuple(t for t in TABS if t[0] != "log")
    return TABS


def detail_page(request, application: Application, *, tab: str | None = None, status: int = 200, **extra):
    user = request.user
    tabs = _tabs_for(user)
    tab = tab or request.GET.get("tab", "plan")
    if tab not in dict(tabs):
        tab = "plan"
    site = pages.site_of(application)
    actions = pages.available_actions(user, application, site)
    context = {
        "application": application,
        "site": site,
        "tab": tab,
        "tabs": tabs,
        "steps": state_steps(application),
        "actions": [
            {
                "key": key,
                "label": ACTION_SPECS[key][0],
                "icon": ACTION_SPECS[key][1],
                "direct": ACTION_SPECS[key][2] is ConfirmForm,
                "style": ACTION_SPECS[key][3],
            }
            for key in actions
        ],
        "applicant_side": pages.is_applicant_side(user, application),
        "is_draft": application.state == ApplicationState.DRAFT,
        "missing_plan": [
            str(rules.PLAN_LABELS[f])
            for f in rules.missing_plan_fields({f: getattr(application, f) for f in rules.PLAN_FIELDS})
        ],
        "city": application.recommendations.exclude(state=ApplicationState.REJECTED).first(),
        "is_reviewer": selectors.is_reviewer(user),
        "tree_role": user.role in scoping.TREE_ROLES,
        "crumbs": application_crumbs(application, last=True),
        **_tab_context(request, application, tab),
        **extra,
    }
    if (
        request.htmx
        and request.htmx.target == "application-tabs"
        and not request.htmx.history_restore_request
    ):
        return render(request, "sites/applications/detail.html#tabs", context, status=status)
    return render(request, "sites/applications/detail.html", context, status=status)


@login_required
def application_detail(request, pk):
    require_staff(request.user)
    application = pages.application_for_page(user=request.user, pk=pk)
    return detail_page(request, application)


# --- the plan and the self-evaluation ------------------------------------------------------------------------------


def _for_applicant(request, pk) -> Application:
    require_staff(request.user)
    application = pages.application_for_page(user=request.user, pk=pk)
    if not pages.is_applicant_side(request.user, application):
        raise PermissionDenied(_("只有申报组织或其上级党组织可以填写"))
    return application


def _not_draft(application: Application) -> str:
    return _("申报当前为“%(state)s”，只有草稿可以修改；需要修改时请上级党组织退回") % {
        "state": application.get_state_display()
    }


@login_required
def application_plan(request, pk):
    application = _for_applicant(request, pk)
    initial = {name: getattr(application, name) for name in PlanForm.PLAN_FIELDS}
    form = PlanForm(bound(request), initial=initial)

    def update(_data):
        return services.application_update(actor=request.user, application=application, **form.plan())

    result, status, reason = submit(request, form, update)
    if result is not None:
        messages.success(request, _("已保存创建计划"))
        return redirect(reverse("sites:application_detail", args=[application.pk]) + "?tab=plan")
    if request.method == "GET" and application.state != ApplicationState.DRAFT:
        status, reason, form = 409, _not_draft(application), None
    return form_page(
        request,
        form=form,
        title=_("创建计划"),
        status=status,
        refusal=reason,
        crumbs=application_crumbs(application),
        cancel_url=reverse("sites:application_detail", args=[application.pk]),
        intro=_(
            "明确创建目标、内容、进度、措施及相关责任人（方案一 三(二)）；五项填齐即视为已报送创建计划。"
        ),
        submit=_("保存"),
    )


@login_required
def application_self(request, pk):
    application = _for_applicant(request, pk)
    criteria = list(application.catalogue.criteria.filter(method=Method.MANUAL).order_by("sort_order", "id"))
    scores = {s.criterion.code: s for s in application.self_scores.select_related("criterion")}
    form = SelfScoresForm(bound(request), criteria=criteria, scores=scores)

    def record(_data):
        items = form.items()
        if not items:
            from dangjian.core.errors import ValidationFailed

            raise ValidationFailed(_("请至少填写一项评分"))
        return services.self_scores_record(actor=request.user, application=application, items=items)

    saved, status, reason = submit(request, form, record)
    if saved is not None:
        missing = len(criteria) - application.self_scores.count()
        messages.success(
            request,
            _("已保存自评分 %(n)d 项") % {"n": len(saved)}
            + (_("，还有 %(m)d 项未评分") % {"m": missing} if missing else _("，自评已完成")),
        )
        return redirect(reverse("sites:application_detail", args=[application.pk]) + "?tab=self")
    if request.method == "GET" and application.state != ApplicationState.DRAFT:
        status, reason, form = 409, _not_draft(application), None
    return form_page(
        request,
        form=form,
        title=_("基层自评"),
        status=status,
        refusal=reason,
        crumbs=application_crumbs(application),
        cancel_url=reverse("sites:application_detail", args=[application.pk]) + "?tab=self",
        intro=_(
            "对照创建标准逐项自查评分（方案三：各基层党组织对照创建标准进行自查）；自动指标由系统根据组织生活、"
            "班子设置等数据计算，不需自评。可分几次填写，空着的项保持原样。"
        ),
        fields_template="sites/applications/_self_fields.html",
        submit=_("保存自评"),
    )


# --- workflow actions --------------------------------------------------------------------------------------------


def _run_action(request, application: Application, action: str, data: dict):
    user = request.user
    if action == "submit":
        return services.application_submit(actor=user, application=application)
    if action == "recommend":
        return services.application_recommend(actor=user, application=application)
    if action == "return":
        return services.application_return(actor=user, application=application, reason=data["reason"])
    if action == "evaluate":
        return services.application_evaluate(actor=user, application=application)
    if action == "publicize":
        return services.application_publicize(
            actor=user,
            application=application,
            starts_on=data["starts_on"],
            working_days=data["working_days"],
        )
    if action == "designate":
        return services.application_designate(actor=user, application=application)
    if action == "reject":
        return services.application_reject(actor=user, application=application, reason=data["reason"])
    if action == "revoke":
        return services.application_revoke(actor=user, application=application, reason=data["reason"])
    if action == "recommend_city":
        return services.application_recommend_to_city(actor=user, application=application)
    if action == "commend":
        site = pages.site_of(application)
        if site is None:
            raise TransitionNotAllowed(_("只有已授牌的示范点可以表彰"))
        return services.site_commend(actor=user, site=site, commended_on=data.get("commended_on"))
    raise Http404


def _done_message(action: str, result) -> str:
    if action == "designate":
        return _("已授牌，牌匾编号 %(plaque)s") % {"plaque": result.plaque_no}
    if action == "recommend_city":
        return _("已推荐为市级示范点，生成市级申报")
    if action == "publicize":
        notice = result.notice
        return _("已公示：%(start)s 至 %(end)s") % {
            "start": f"{notice.starts_on:%Y-%m-%d}",
            "end": f"{notice.ends_on:%Y-%m-%d}",
        }
    return _("已%(action)s") % {"action": ACTION_SPECS[action][0]}


def _why_not(user, application: Application, action: str) -> str:
    """Why an action is not offered: the state machine's reason (409), or no right to it (403)."""
    transition = {"recommend_city": None, "commend": None}.get(action, action)
    if transition is not None:
        try:
            rules.next_state(transition, application.state, state_labels())
        except rules.TransitionRefused as exc:
            return str(exc)
    elif application.state != ApplicationState.DESIGNATED:
        return _("只有已授牌的示范点可以%(action)s") % {"action": ACTION_SPECS[action][0]}
    if action in pages.available_actions(user, application, pages.site_of(application)):
        return ""
    if action == "commend":
        return _("该示范点已经表彰或已摘牌")
    if action == "recommend_city":
        return _("只有已授牌的县级示范点可以推荐为市级示范点，且只能推荐一次")
    raise PermissionDenied(_("您不能对该申报进行此操作"))


@login_required
def application_action(request, pk, action):
    require_staff(request.user)
    if action not in ACTION_SPECS:
        raise Http404
    application = pages.application_for_page(user=request.user, pk=pk)
    label, _icon, form_class, style = ACTION_SPECS[action]
    form = form_class(bound(request))

    def act(data):
        return _run_action(request, application, action, data)

    result, status, reason = submit(request, form, act)
    if result is not None:
        messages.success(request, _done_message(action, result))
        target = result if isinstance(result, Application) and result.pk != application.pk else application
        return redirect("sites:application_detail", target.pk)
    if request.method == "GET":
        why = _why_not(request.user, application, action)
        if why:
            status, reason, form = 409, why, None
    return form_page(
        request,
        form=form,
        title=f"{label}：{application.org.name}",
        status=status,
        refusal=reason,
        crumbs=application_crumbs(application),
        cancel_url=reverse("sites:application_detail", args=[application.pk]),
        intro=ACTION_INTROS[action],
        submit=label,
        submit_class="btn-danger" if "danger" in style else "btn-primary",
    )
