"""The three-way evaluation from the application page: evidence files (基层自评), survey codes (群众测评) and
reviewer assignments (组织考评); and the reviewer's workspace (/sites/review/): their assigned applications and
the scoring form per criterion with method, score, note and photos."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core.errors import ValidationFailed
from dangjian.core.pages import bound, bound_files, submit

from .. import scoring, selectors, services
from .. import selectors_pages as pages
from ..forms import (
    AssignReviewerForm,
    ConfirmForm,
    EvidenceForm,
    ReviewPhotoForm,
    ReviewScoresForm,
    SurveyCodesForm,
)
from ..models import ApplicationState, Method, ReviewerAssignment
from ..services.evaluation import REVIEW_STATES
from .applications import _for_applicant, _not_draft, application_crumbs, detail_page
from .common import crumbs, form_page, home_crumb, require_staff


def _file_response(stored, name: str) -> FileResponse:
    try:
        handle = stored.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404(_("文件不存在")) from None
    return FileResponse(handle, as_attachment=True, filename=name)


# --- evidence ------------------------------------------------------------------------------------------------------


@login_required
def evidence_add(request, pk):
    application = _for_applicant(request, pk)
    criteria = list(application.catalogue.criteria.order_by("sort_order", "id"))
    initial = {"criterion": request.GET.get("criterion", "")}
    form = EvidenceForm(bound(request), bound_files(request), criteria=criteria, initial=initial)

    def add(data):
        return services.evidence_add(
            actor=request.user, application=application, upload=data["file"], criterion_code=data["criterion"]
        )

    record, status, reason = submit(request, form, add)
    if record is not None:
        messages.success(request, _("已上传佐证材料“%(name)s”") % {"name": record.name})
        return redirect(reverse("sites:application_detail", args=[application.pk]) + "?tab=self")
    if request.method == "GET" and application.state != ApplicationState.DRAFT:
        status, reason, form = 409, _not_draft(application), None
    return form_page(
        request,
        form=form,
        title=_("上传佐证材料"),
        status=status,
        refusal=reason,
        crumbs=application_crumbs(application),
        cancel_url=reverse("sites:application_detail", args=[application.pk]) + "?tab=self",
        multipart=True,
        submit=_("上传"),
    )


@login_required
def evidence_download(request, pk, evidence_pk):
    require_staff(request.user)
    application = selectors.application_or_404(user=request.user, pk=pk)
    record = pages.evidence_or_404(application=application, pk=evidence_pk)
    return _file_response(record.file, record.name)


@login_required
def photo_download(request, pk, photo_pk):
    require_staff(request.user)
    application = selectors.application_or_404(user=request.user, pk=pk)
    photo = pages.photo_or_404(user=request.user, application=application, pk=photo_pk)
    return _file_response(photo.file, photo.name)


# --- survey codes --------------------------------------------------------------------------------------------------


@login_required
def survey_codes(request, pk):
    """Generate one-time survey codes. They are shown on this answer only (the platform keeps their hashes),
    so the page lists them for printing; the QR sheet, where installed, does the same with QR codes."""
    require_staff(request.user)
    application = pages.application_for_page(user=request.user, pk=pk)
    if not pages.is_recommender(request.user, application):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied(_("测评码由申报组织的上级党组织生成"))
    form = SurveyCodesForm(bound(request))

    def generate(data):
        return services.survey_codes_generate(
            actor=request.user, application=application, count=data["count"]
        )

    codes, status, reason = submit(request, form, generate)
    if codes is not None:
        context = {
            "application": application,
            "codes": codes,
            "survey_url": _public_survey_url(),
            "crumbs": [*application_crumbs(application), (_("测评码"), None)],
        }
        response = render(request, "sites/applications/survey_codes.html", context)
        response["Cache-Control"] = "no-store"  # the codes are shown once: keep them out of caches
        return response
    if request.method == "GET" and not pages.may_generate_codes(request.user, application):
        status, reason, form = 409, _("只有已申报、正在考评的申报可以生成测评码"), None
    return form_page(
        request,
        form=form,
        title=_("生成群众测评码"),
        status=status,
        refusal=reason,
        crumbs=application_crumbs(application),
        cancel_url=reverse("sites:application_detail", args=[application.pk]) + "?tab=survey",
        intro=_(
            "群众凭测评码匿名参加测评（方案二 三(二)4：满意度达到 90% 以上），每个码只能使用一次。"
            "测评码只在生成后显示这一次，请当场打印后分发。"
        ),
        submit=_("生成"),
    )


def _public_survey_url() -> str:
    from django.conf import settings

    from .common import optional_url

    path = optional_url("disclosure:survey_entry") or optional_url("disclosure:survey")
    base = getattr(settings, "SITE_URL", "") or ""
    return f"{base.rstrip('/')}{path}" if path else ""


# --- reviewer assignments ---------------------------------------------------------------------------------------


@login_required
def reviewer_assign(request, pk):
    require_staff(request.user)
    application = pages.application_for_page(user=request.user, pk=pk)
    if not pages.is_decider(request.user, application):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied(_("评审人员由审定该层级示范点的党组织安排"))
    form = AssignReviewerForm(
        bound(request), reviewers=pages.assignable_reviewers(user=request.user, application=application)
    )

    def assign(data):
        return services.reviewer_assign(
            actor=request.user, application=application, reviewer=data["reviewer"]
        )

    assignment, status, reason = submit(request, form, assign)
    if assignment is not None:
        messages.success(request, _("已安排 %(name)s 评审") % {"name": assignment.reviewer.get_full_name()})
        return redirect(reverse("sites:application_detail", args=[application.pk]) + "?tab=review")
    if request.method == "POST":  # the form sits on the review tab: show it there with its message
        return detail_page(
            request, application, tab="review", status=status, refusal=reason, assign_form_bound=form
        )
    if not pages.may_assign_reviewers(request.user, application):
        status, reason, form = 409, _("只有已申报、尚未确定考评结果的申报可以安排评审"), None
    return form_page(
        request,
        form=form,
        title=_("安排评审人员"),
        status=status,
        refusal=reason,
        crumbs=application_crumbs(application),
        cancel_url=reverse("sites:application_detail", args=[application.pk]) + "?tab=review",
        submit=_("安排"),
    )


@login_required
def reviewer_unassign(request, pk, assignment_pk):
    require_staff(request.user)
    application = pages.application_for_page(user=request.user, pk=pk)
    assignment = (
        ReviewerAssignment.objects.select_related("reviewer")
        .filter(pk=assignment_pk, application=application)
        .first()
    )
    if assignment is None:
        raise Http404(_("评审安排不存在"))
    if not pages.is_decider(request.user, application):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied(_("评审人员由审定该层级示范点的党组织安排"))
    form = ConfirmForm(bound(request))

    def unassign(_data):
        services.reviewer_unassign(actor=request.user, assignment=assignment)
        return True

    done, status, reason = submit(request, form, unassign)
    if done:
        messages.success(
            request, _("已取消 %(name)s 的评审安排") % {"name": assignment.reviewer.get_full_name()}
        )
        return redirect(reverse("sites:application_detail", args=[application.pk]) + "?tab=review")
    return form_page(
        request,
        form=form,
        title=_("取消评审安排"),
        status=status,
        refusal=reason,
        crumbs=application_crumbs(application),
        cancel_url=reverse("sites:application_detail", args=[application.pk]) + "?tab=review",
        intro=_("取消 %(name)s 对该申报的评审安排？其已录入的评分一并删除。")
        % {"name": assignment.reviewer.get_full_name()},
        submit=_("确认取消"),
        submit_class="btn-danger",
    )


# --- the reviewer's workspace --------------------------------------------------------------------------------------


@login_required
def review_list(request):
    user = request.user
    require_staff(user)
    rows = []
    for assignment in pages.my_assignments(user=user):
        application = assignment.application
        manual = application.catalogue.criteria.filter(method=Method.MANUAL).count()
        scored = assignment.scores.values("criterion_id").distinct().count()
        rows.append(
            {
                "assignment": assignment,
                "application": application,
                "manual": manual,
                "scored": scored,
                "open": application.state in REVIEW_STATES,
            }
        )
    context = {
        "rows": rows,
        "to_do": sum(1 for r in rows if r["open"] and r["scored"] < r["manual"]),
        "crumbs": crumbs(home_crumb(), (_("我的评审"), None)),
    }
    return render(request, "sites/review/list.html", context)


@login_required
def review_score(request, pk):
    """The scoring form of one assigned application: per manual criterion method, score and note."""
    require_staff(request.user)
    assignment = pages.assignment_or_404(user=request.user, pk=pk)
    application = pages.application_for_page(user=request.user, pk=pk)
    criteria = list(application.catalogue.criteria.filter(method=Method.MANUAL).order_by("sort_order", "id"))
    form = ReviewScoresForm(bound(request), criteria=criteria)
    photo_form = ReviewPhotoForm(criteria=criteria)

    def record(_data):
        items = form.items()
        if not items:
            raise ValidationFailed(_("请至少填写一项评分"))
        return services.review_scores_record(actor=request.user, application=application, items=items)

    saved, status, reason = submit(request, form, record)
    if saved is not None:
        messages.success(request, _("已保存评分 %(n)d 项") % {"n": len(saved)})
        return redirect("sites:review_score", application.pk)
    return _review_page(
        request, assignment, application, criteria, form, photo_form, status=status, refusal=reason
    )


def _review_page(request, assignment, application, criteria, form, photo_form, *, status=200, refusal=""):
    sheet = scoring.score_sheet(application, timezone.localdate())
    mine = next((r for r in sheet.reviewers if r.assignment.pk == assignment.pk), None)
    photos = pages.photos_of(application, [assignment]).get(assignment.pk, [])
    context = {
        "assignment": assignment,
        "application": application,
        "form": form if application.state in REVIEW_STATES else None,
        "photo_form": photo_form if application.state in REVIEW_STATES else None,
        "rows": list(form.rows()),
        "mine": mine.scores if mine else {},
        "missing": mine.missing if mine else [c.code for c in criteria],
        "photos": photos,
        "refusal": refusal,
        "open": application.state in REVIEW_STATES,
        "crumbs": crumbs(home_crumb(), (_("我的评审"), "sites:review_list"), (application.org.name, None)),
    }
    return render(request, "sites/review/score.html", context, status=status)


@login_required
def review_photo(request, pk):
    require_staff(request.user)
    assignment = pages.assignment_or_404(user=request.user, pk=pk)
    application = pages.application_for_page(user=request.user, pk=pk)
    if request.method != "POST":
        return redirect("sites:review_score", application.pk)
    criteria = list(application.catalogue.criteria.filter(method=Method.MANUAL).order_by("sort_order", "id"))
    photo_form = ReviewPhotoForm(request.POST, request.FILES, criteria=criteria)

    def add(data):
        return services.review_photo_add(
            actor=request.user,
            application=application,
            criterion_code=data["criterion"],
            upload=data["file"],
            method=data["method"],
        )

    photo, status, reason = submit(request, photo_form, add)
    if photo is not None:
        messages.success(request, _("已上传照片“%(name)s”") % {"name": photo.name})
        return redirect("sites:review_score", application.pk)
    form = ReviewScoresForm(criteria=criteria)
    return _review_page(
        request, assignment, application, criteria, form, photo_form, status=status, refusal=reason
    )
