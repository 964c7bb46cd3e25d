"""Documents: the application form (Word and a print-friendly page), the designated list per campaign
(.xlsx and a print-friendly page) and certificates (Word, one page per site)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import audit, scoping

from .. import documents, selectors
from .. import selectors_pages as pages
from .common import DOCX, XLSX, download, require_staff


@login_required
def application_docx(request, pk):
    require_staff(request.user)
    application = pages.application_for_page(user=request.user, pk=pk)
    response = download(
        documents.application_form_docx(application),
        content_type=DOCX,
        filename=documents.application_form_filename(application),
        fallback=f"application-{application.pk}.docx",
    )
    # The form names the responsible person and carries the plan and scores: handing it out is audited.
    audit.export(
        actor=request.user,
        obj=application,
        org=application.org,
        summary=_("导出党建示范点申报表（Word）：%(org)s") % {"org": application.org.name},
    )
    return response


@login_required
def application_print(request, pk):
    require_staff(request.user)
    application = pages.application_for_page(user=request.user, pk=pk)
    context = {"form": documents.application_form_context(application), "application": application}
    return render(request, "sites/print/application.html", context)


def _campaign_sites(request, pk):
    scoping.require_tree_role(request.user)
    campaign = selectors.campaign_or_404(user=request.user, pk=pk)
    sites = selectors.sites_within(user=request.user, campaign=campaign).select_related(
        "application", "campaign__org"
    )
    return campaign, documents.active_first(sites)


@login_required
def designated_xlsx(request, pk):
    campaign, sites = _campaign_sites(request, pk)
    response = download(
        documents.designated_xlsx(campaign, sites),
        content_type=XLSX,
        filename=documents.designated_filename(campaign),
        fallback=f"designated-{campaign.year}.xlsx",
    )
    audit.export(
        actor=request.user,
        obj=campaign,
        org=request.user.org,  # the sites listed are those within the user's scope
        summary=_("导出%(year)d年度党建示范点名单：%(n)d 个") % {"year": campaign.year, "n": len(sites)},
        after={"sites": len(sites)},
    )
    return response


@login_required
def designated_print(request, pk):
    campaign, sites = _campaign_sites(request, pk)
    context = {
        "campaign": campaign,
        "rows": documents.designated_rows(sites),
        "printed_on": documents.chinese_date(timezone.localdate()),
    }
    return render(request, "sites/print/designated.html", context)


@login_required
def certificates_docx(request, pk):
    campaign, sites = _campaign_sites(request, pk)
    active = [s for s in sites if s.is_active]
    if not active:
        return render(
            request,
            "sites/form.html",
            {
                "title": _("下载证书"),
                "refusal": _("本年度还没有在牌的示范点，没有可以打印的证书"),
                "cancel_url": reverse("sites:campaign_detail", args=[campaign.pk]),
            },
            status=409,
        )
    return download(
        documents.certificates_docx(active),
        content_type=DOCX,
        filename=_("%(year)d年度党建示范点证书.docx") % {"year": campaign.year},
        fallback=f"certificates-{campaign.year}.docx",
    )


@login_required
def site_certificate(request, pk):
    scoping.require_tree_role(request.user)
    site = selectors.site_or_404(user=request.user, pk=pk)
    if not site.is_active:
        return render(
            request,
            "sites/form.html",
            {
                "title": _("下载证书"),
                "refusal": _("该示范点已摘牌，不再出具证书"),
                "cancel_url": reverse("sites:site_detail", args=[site.pk]),
            },
            status=409,
        )
    return download(
        documents.certificates_docx([site]),
        content_type=DOCX,
        filename=_("%(org)s党建示范点证书.docx") % {"org": site.org.name},
        fallback=f"certificate-{site.pk}.docx",
    )
