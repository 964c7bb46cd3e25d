"""创建标准 pages: the catalogues per year and domain, a catalogue's criteria grouped by category; drafting
(add / remove a criterion), publishing and new versions — the county admin only."""

from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from dangjian.core.pages import bound, submit

from .. import selectors, services
from ..forms import ConfirmForm
from ..forms_admin import CatalogueFilterForm, CatalogueForm, CriterionForm
from ..metrics import METRICS
from ..models import Catalogue
from .common import crumbs, form_page, home_crumb, list_response, require_admin, require_staff


def _catalogue_crumbs(catalogue: Catalogue | None = None):
    pairs = [home_crumb(), (_("创建标准"), "sites:catalogue_list")]
    if catalogue is not None:
        pairs.append((f"{catalogue.year} {catalogue.title}", "sites:catalogue_detail", catalogue.pk))
    return crumbs(*pairs)


@login_required
def catalogue_list(request):
    user = request.user
    require_staff(user)
    admin = user.role == "county_admin"
    filters = CatalogueFilterForm(request.GET, admin=admin)
    values = filters.values()
    catalogues = selectors.catalogues_visible(
        user=user, year=values["year"] or None, domain=values["domain"], state=values.get("state", "")
    ).prefetch_related("criteria")
    rows = [(c, sum((x.max_score for x in c.criteria.all()), start=0)) for c in catalogues[:200]]
    context = {
        "filters": filters,
        "rows": rows,
        "is_admin": admin,
        "crumbs": crumbs(home_crumb(), (_("创建标准"), None)),
    }
    return list_response(request, "sites/catalogues/list.html", context, "sites:catalogue_list")


def _catalogue_or_404(user, pk) -> Catalogue:
    return selectors.catalogue_or_404(user=user, pk=pk)


@login_required
def catalogue_detail(request, pk):
    user = request.user
    require_staff(user)
    catalogue = _catalogue_or_404(user, pk)
    criteria = list(catalogue.criteria.order_by("sort_order", "id"))
    groups = [(group, list(items)) for group, items in groupby(criteria, key=lambda c: c.group)]
    versions = selectors.catalogues_visible(user=user, year=catalogue.year, domain=catalogue.domain)
    admin = user.role == "county_admin"
    context = {
        "catalogue": catalogue,
        "groups": groups,
        "total": sum((c.max_score for c in criteria), start=0),
        "auto_count": sum(1 for c in criteria if c.is_auto),
        "metrics": {key: metric.label for key, metric in METRICS.items()},
        "versions": [v for v in versions if v.pk != catalogue.pk],
        "can_edit": admin and not catalogue.is_published,
        "is_admin": admin,
        "crumbs": crumbs(home_crumb(), (_("创建标准"), "sites:catalogue_list"), (catalogue.title, None)),
    }
    return render(request, "sites/catalogues/detail.html", context)


@login_required
def catalogue_new(request):
    require_admin(request.user)
    form = CatalogueForm(bound(request), initial={"year": request.GET.get("year", "")})

    def create(data):
        return services.catalogue_create(actor=request.user, **data)

    catalogue, status, reason = submit(request, form, create)
    if catalogue is not None:
        messages.success(request, _("已新建创建标准草稿，请逐条添加标准条目，完成后发布"))
        return redirect("sites:catalogue_detail", catalogue.pk)
    return form_page(
        request,
        form=form,
        title=_("新建创建标准"),
        status=status,
        refusal=reason,
        crumbs=_catalogue_crumbs(),
        cancel_url=reverse("sites:catalogue_list"),
        intro=_("新建的标准是草稿，逐条添加标准条目后发布。已发布的标准不能修改，调整时请新建一个版本。"),
        submit=_("新建草稿"),
    )


@login_required
def criterion_add(request, pk):
    require_admin(request.user)
    catalogue = _catalogue_or_404(request.user, pk)
    form = CriterionForm(bound(request))

    def add(_data):
        return services.criterion_add(actor=request.user, catalogue=catalogue, **form.fields_for_service())

    criterion, status, reason = submit(request, form, add)
    if criterion is not None:
        messages.success(request, _("已添加标准条目 %(code)s") % {"code": criterion.code})
        return redirect("sites:catalogue_detail", catalogue.pk)
    if request.method == "GET" and catalogue.is_published:
        status, reason, form = 409, _("已发布的创建标准不能修改；如需调整，请新建一个版本"), None
    return form_page(
        request,
        form=form,
        title=_("添加标准条目"),
        status=status,
        refusal=reason,
        crumbs=_catalogue_crumbs(catalogue),
        cancel_url=reverse("sites:catalogue_detail", args=[catalogue.pk]),
        submit=_("添加"),
    )


def _catalogue_step(request, pk, *, step: str):
    """Publish, or draft a new version: a confirmation page, then one service."""
    require_admin(request.user)
    catalogue = _catalogue_or_404(request.user, pk)
    form = ConfirmForm(bound(request))
    if step == "publish":

        def act(_data):
            return services.catalogue_publish(actor=request.user, catalogue=catalogue)

        title, submit_label = _("发布创建标准"), _("确认发布")
        intro = _(
            "发布后，%(year)d 年%(domain)s领域的申报按本标准（第 %(v)d 版）评分；已发布的标准不能再修改。"
        ) % {"year": catalogue.year, "domain": _domain(catalogue.domain), "v": catalogue.version}
    else:

        def act(_data):
            return services.catalogue_new_version(actor=request.user, catalogue=catalogue)

        title, submit_label = _("新建版本"), _("新建版本")
        intro = _("以第 %(v)d 版为底稿新建一个草稿版本，修改后发布；已有申报仍按原版本评分。") % {
            "v": catalogue.version
        }
    result, status, reason = submit(request, form, act)
    if result is not None:
        if step == "publish":
            messages.success(request, _("已发布 %(title)s") % {"title": catalogue.title})
        else:
            messages.success(request, _("已新建第 %(v)d 版草稿") % {"v": result.version})
        return redirect("sites:catalogue_detail", result.pk)
    if request.method == "GET" and step == "publish" and catalogue.is_published:
        status, reason, form = 409, _("该创建标准已经发布"), None
    return form_page(
        request,
        form=form,
        title=title,
        status=status,
        refusal=reason,
        crumbs=_catalogue_crumbs(catalogue),
        cancel_url=reverse("sites:catalogue_detail", args=[catalogue.pk]),
        intro=intro,
        submit=submit_label,
    )


def _domain(value: str) -> str:
    from ..templatetags.sites_ui import domain_label

    return domain_label(value)


@login_required
def catalogue_publish(request, pk):
    return _catalogue_step(request, pk, step="publish")


@login_required
def catalogue_new_version(request, pk):
    return _catalogue_step(request, pk, step="new_version")


@login_required
def criterion_remove(request, pk, criterion_pk):
    require_admin(request.user)
    catalogue = _catalogue_or_404(request.user, pk)
    criterion = catalogue.criteria.filter(pk=criterion_pk).first()
    if criterion is None:
        raise Http404(_("标准条目不存在"))
    form = ConfirmForm(bound(request))

    def remove(_data):
        services.criterion_remove(actor=request.user, criterion=criterion)
        return True

    done, status, reason = submit(request, form, remove)
    if done:
        messages.success(request, _("已删除标准条目 %(code)s") % {"code": criterion.code})
        return redirect("sites:catalogue_detail", catalogue.pk)
    if request.method == "GET" and catalogue.is_published:
        status, reason, form = 409, _("已发布的创建标准不能修改；如需调整，请新建一个版本"), None
    return form_page(
        request,
        form=form,
        title=_("删除标准条目"),
        status=status,
        refusal=reason,
        crumbs=_catalogue_crumbs(catalogue),
        cancel_url=reverse("sites:catalogue_detail", args=[catalogue.pk]),
        intro=_("删除“%(code)s %(title)s”？") % {"code": criterion.code, "title": criterion.title},
        submit=_("确认删除"),
        submit_class="btn-danger",
    )
