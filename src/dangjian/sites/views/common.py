"""Helpers shared by the programme's pages: running one service from a form, crumbs, htmx partials, files."""

from urllib.parse import quote, urlencode

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django_htmx.http import push_url

from dangjian.core.pages import partial

from .. import selectors

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE_SIZE = 50


def require_staff(user) -> None:
    """The programme's pages: tree roles and reviewers; members (self-service) are refused."""
    selectors.require_programme_role(user)


def require_admin(user) -> None:
    require_staff(user)
    if user.role != "county_admin":
        raise PermissionDenied(_("只有组织部管理员可以进行此操作"))


def list_response(request, template: str, context: dict, url_name: str, target: str = "list-body"):
    """The whole page, or (an htmx request from the filter bar) just the list, with the URL kept current."""
    if partial(request, target):
        response = render(request, f"{template}#{target}", context)
        query = urlencode([(k, v) for k, v in request.GET.items() if v])
        return push_url(response, reverse(url_name) + (f"?{query}" if query else ""))
    return render(request, template, context)


def page_of(request, queryset):
    """One page of a short list (a campaign's applications: hundreds, not millions)."""
    paginator = Paginator(queryset, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    params = {k: v for k, v in request.GET.items() if v and k != "page"}

    def link(number: int) -> str:
        return "?" + urlencode({**params, "page": number})

    return page, {
        "previous_url": link(page.previous_page_number()) if page.has_previous() else "",
        "next_url": link(page.next_page_number()) if page.has_next() else "",
    }


def crumbs(*pairs) -> list[tuple[str, str | None]]:
    """[(label, url name or url or None)] → [(label, url)] for the layout's breadcrumbs."""
    result = []
    for label, target, *args in pairs:
        if target and not target.startswith("/") and not target.startswith("?"):
            target = reverse(target, args=args)
        result.append((str(label), target))
    return result


def home_crumb() -> tuple[str, str]:
    return (_("示范点创建"), "sites:overview")


def download(content: bytes, *, content_type: str, filename: str, fallback: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = (
        f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
    )
    return response


def optional_url(name: str, *args) -> str:
    """The URL of a view another module may or may not provide (e.g. the printable QR sheet)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def form_page(
    request, *, form, title, status: int = 200, refusal: str = "", crumbs, cancel_url: str, **extra
):
    """The programme's form page (sites/form.html): 422 with the messages at the fields, 409 with the reason."""
    context = {
        "form": form,
        "title": title,
        "refusal": refusal,
        "crumbs": [*crumbs, (str(title), None)],
        "cancel_url": cancel_url,
        **extra,
    }
    template = context.pop("template", "sites/form.html")
    return render(request, template, context, status=status)
