"""The printable QR sheet of survey codes (`disclosure:survey_sheet`), linked from an application's survey tab.

POST generates N one-time codes through `sites.services.survey_codes_generate` (the committee above the
applicant only; the application must be submitted or under evaluation) and answers with a print-ready A4 page
of cut-out slips. The codes exist nowhere else afterwards, so the page is not cached.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from dangjian.sites import selectors as site_selectors
from dangjian.sites import services as site_services
from dangjian.sites.services.common import is_above
from dangjian.sites.services.evaluation import SURVEY_STATES

from . import sheets
from .forms import SheetForm
from .views_manage import form_page, submit


@never_cache
@login_required
def survey_sheet(request, pk):
    application = site_selectors.application_or_404(user=request.user, pk=pk)
    if request.user.role not in ("committee_officer", "county_admin") or not is_above(
        request.user, application.org_path
    ):
        raise PermissionDenied(_("测评码由申报组织的上级党组织生成"))
    form = SheetForm(request.POST if request.method == "POST" else None)
    codes, status, refusal = submit(
        request,
        form,
        lambda data: site_services.survey_codes_generate(
            actor=request.user, application=application, count=data["count"]
        ),
    )
    if codes is not None:
        slips = sheets.slips(request, codes)
        context = {
            "application": application,
            "pages": sheets.pages(slips),
            "count": len(slips),
            "entry_url": sheets.absolute(request, reverse("disclosure:survey_entry")),
            "back_url": reverse("sites:application_detail", args=[application.pk]) + "?tab=survey",
        }
        response = render(request, "disclosure/sheet.html", context)
        response["Cache-Control"] = "no-store"
        return response
    if request.method != "POST" and application.state not in SURVEY_STATES:
        status, form, refusal = 409, None, _("只有已申报、正在考评的申报可以生成测评码")
    detail_url = reverse("sites:application_detail", args=[application.pk])
    return form_page(
        request,
        form=form,
        title=_("打印二维码测评单"),
        status=status,
        refusal=refusal,
        crumbs=[(_("示范点创建"), reverse("sites:overview")), (application.org.name, detail_url)],
        cancel_url=detail_url + "?tab=survey",
        submit=_("生成并打印"),
        intro=_(
            "群众用手机扫描测评单上的二维码（或打开测评网址输入测评码）匿名参加测评，每个测评码只能使用一次。"
            "测评码只在生成时显示这一次，请当场打印、裁开后分发。"
        ),
    )
