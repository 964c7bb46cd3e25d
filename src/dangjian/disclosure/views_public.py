"""The public pages (no login, no account, no cookie beyond CSRF on the two forms): the disclosure board of the
county or of any organization's subtree, one item, the objection form of a proposed demonstration site, and the
mass-satisfaction survey by one-time code.

Bad input never gives a 500 and never changes anything; a wrong, used or spent survey code gets one message
("无效或已使用"), so the page tells nobody whether a code exists.
"""

import mimetypes

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from dangjian.core import throttle, tree
from dangjian.core.errors import TransitionNotAllowed, ValidationFailed
from dangjian.orgs.models import Organization
from dangjian.sites import services as site_services
from dangjian.sites import survey

from . import selectors
from .forms import ObjectionForm, SurveyCodeForm, SurveyForm

CHILDREN_SHOWN = 200
INLINE_TYPES = {"application/pdf", "image/jpeg", "image/png"}


def _ancestors(org: Organization) -> list[Organization]:
    ids = tree.ancestor_ids(org.path)[:-1]
    found = {o.pk: o for o in Organization.objects.filter(pk__in=ids).only("pk", "name", "code")}
    return [found[pk] for pk in ids if pk in found]


def board(request, org_code: str | None = None):
    org = selectors.board_org_or_404(org_code)
    today = timezone.localdate()
    children = list(
        Organization.objects.filter(parent=org, dissolved_on__isnull=True)
        .only("pk", "name", "code")
        .order_by("sort_order", "id")[:CHILDREN_SHOWN]
    )
    others = [] if org_code else list(selectors.public_roots().exclude(pk=org.pk)[:CHILDREN_SHOWN])
    context = {
        "board": selectors.public_board(org=org, today=today),
        "org": org,
        "ancestors": _ancestors(org),
        "children": children,
        "others": others,
        "today": today,
    }
    return render(request, "disclosure/public/board.html", context)


def item(request, pk):
    today = timezone.localdate()
    found = selectors.public_item_or_404(pk, today)
    return render(request, "disclosure/public/item.html", {"item": found, "org": found.org, "today": today})


def item_attachment(request, pk):
    found = selectors.public_item_or_404(pk, timezone.localdate())
    if not found.attachment:
        raise Http404(_("该公开事项没有附件"))
    return attachment_response(found)


def attachment_response(found) -> FileResponse:
    try:
        handle = found.attachment.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404(_("文件不存在")) from None
    content_type = mimetypes.guess_type(found.attachment_name)[0] or "application/octet-stream"
    return FileResponse(
        handle,
        as_attachment=content_type not in INLINE_TYPES,
        filename=found.attachment_name or "attachment",
        content_type=content_type,
    )


# --- objections to a demonstration-site notice --------------------------------------------------------------


def objection(request, pk):
    today = timezone.localdate()
    application = selectors.objection_target_or_404(pk, today)
    subject = f"notice:{application.notice_id}"
    allowed = throttle.limit("OBJECTIONS_PER_HOUR")
    form = ObjectionForm(request.POST if request.method == "POST" else None)
    status, refusal = 200, ""
    if request.method == "POST":
        if throttle.blocked("objection", request, subject, allowed):
            status, refusal = 429, _("您提交得太频繁，请一小时后再试。本次内容没有保存。")
        elif not form.is_valid():
            status = 422
        else:
            try:
                with throttle.without_address():
                    site_services.objection_file(
                        application=application,
                        text=form.cleaned_data["text"],
                        contact=form.cleaned_data["contact"],
                    )
            except ValidationFailed as exc:
                form.add_service_errors(exc)
                status = 422
            except TransitionNotAllowed as exc:
                status, refusal = 409, exc.message
            else:
                throttle.count("objection", request, subject)
                return redirect("disclosure:objection_thanks")
    context = {
        "application": application,
        "notice": application.notice,
        "form": form,
        "refusal": refusal,
        "org": application.campaign.org,
    }
    return render(request, "disclosure/public/objection.html", context, status=status)


def objection_thanks(request):
    return render(request, "disclosure/public/objection_thanks.html", {})


# --- the mass-satisfaction survey ------------------------------------------------------------------------------


def _refused(request, *, status: int, message: str, form=None):
    context = {"form": form or SurveyCodeForm(), "message": message}
    return render(request, "disclosure/public/survey_entry.html", context, status=status)


def _too_many(request):
    return _refused(request, status=429, message=_("尝试次数过多，请一小时后再试。"))


@never_cache
def survey_entry(request):
    """Type a code (or scan the slip's QR code, which opens the questionnaire directly)."""
    if "code" not in request.GET:
        return render(request, "disclosure/public/survey_entry.html", {"form": SurveyCodeForm()})
    form = SurveyCodeForm(request.GET)
    if not form.is_valid():
        return _refused(request, status=422, message="", form=form)
    if not survey.looks_like_code(form.cleaned_data["code"]):
        form.add_error("code", _("测评码为 8 位字母和数字，如 ABCD-EFGH"))
        return _refused(request, status=422, message="", form=form)
    return redirect("disclosure:survey", code=survey.shown(survey.normalised(form.cleaned_data["code"])))


@never_cache
def survey_page(request, code: str):
    if throttle.blocked("survey", request, "", throttle.limit("SURVEY_TRIES_PER_HOUR")):
        return _too_many(request)
    try:
        application = site_services.survey_lookup(code)
    except (Http404, TransitionNotAllowed, PermissionDenied):
        throttle.count("survey", request)
        return _refused(request, status=404, message=_("测评码无效或已使用，请核对后重新输入。"))
    form = SurveyForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                site_services.survey_answer(code=code, answers=form.answers())
            except ValidationFailed as exc:
                form.add_service_errors(exc)
            except (Http404, TransitionNotAllowed):
                throttle.count("survey", request)
                return _refused(request, status=404, message=_("测评码无效或已使用，请核对后重新输入。"))
            else:
                return redirect("disclosure:survey_done")
    context = {
        "application": application,
        "form": form,
        "code": survey.shown(survey.normalised(code)),
    }
    return render(request, "disclosure/public/survey.html", context, status=status)


def survey_done(request):
    return render(request, "disclosure/public/survey_done.html", {})
