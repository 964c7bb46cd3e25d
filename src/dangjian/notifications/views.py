"""Pages of the inbox (消息提醒): every signed-in user, whatever the role, sees their own messages only."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import push_url

from dangjian.core.pages import partial

from . import selectors, services
from .forms import InboxFilterForm

PAGE_SIZE = 30


def _query(params: dict) -> str:
    clean = {k: v for k, v in params.items() if v}
    return "?" + urlencode(clean) if clean else ""


def _context(request, params) -> dict:
    filters = InboxFilterForm(params)
    values = filters.values()
    queryset = selectors.inbox(user=request.user, **values).select_related("org")
    page = Paginator(queryset, PAGE_SIZE).get_page(params.get("page"))
    query = _query(values)
    return {
        "filters": filters,
        "values": values,
        "page": page,
        "rows": list(page.object_list),
        "query": query,
        "page_query": _query({**values, "page": page.number if page.number > 1 else ""}),
        "unread": selectors.unread_by_level(request.user),
        "unread_total": selectors.unread_count(request.user),
        "crumbs": [(_("消息提醒"), None)],
    }


def _list_response(request, context, status: int = 200):
    if partial(request, "inbox-list"):
        response = render(request, "notifications/inbox.html#inbox-list", context, status=status)
        return push_url(response, reverse("notifications:inbox") + context["page_query"])
    return render(request, "notifications/inbox.html", context, status=status)


@login_required
@require_GET
def inbox(request):
    return _list_response(request, _context(request, request.GET))


@login_required
@require_GET
def open_notification(request, pk: int):
    """Mark the message read and go to its page (a link to the platform only; otherwise back to the inbox)."""
    notification = services.mark_read(actor=request.user, notification_id=pk)
    target = notification.url
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("notifications:inbox")


def _back(request):
    """The inbox as it was shown (filters and page carried in the form's hidden `back` field)."""
    back = request.POST.get("back", "")
    if not back.startswith("?"):
        back = ""
    return redirect(reverse("notifications:inbox") + back)


@login_required
@require_POST
def read_one(request, pk: int):
    services.mark_read(actor=request.user, notification_id=pk)
    if partial(request, "inbox-list"):
        params = request.GET.copy()
        return _list_response(request, _context(request, params))
    return _back(request)


@login_required
@require_POST
def read_all(request):
    count = services.mark_all_read(actor=request.user)
    if partial(request, "inbox-list"):
        return _list_response(request, _context(request, request.GET.copy()))
    if count:
        messages.success(request, _("已将 %(n)d 条消息标为已读。") % {"n": count})
    return _back(request)
