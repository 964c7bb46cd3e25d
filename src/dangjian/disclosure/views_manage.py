"""Staff pages of the disclosure board (/public/manage/): the list with filters, publishing, changing an item
before it goes live, withdrawing it, and one item's page with its log. Tree roles only (members and reviewers:
403); items outside the user's scope do not exist for them (404).
"""

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_htmx.http import push_url

from dangjian.core import scoping
from dangjian.core.pages import submit
from dangjian.orgs.models import Organization

from . import rules, selectors, services
from .forms import ItemFilterForm, ItemForm, WithdrawForm
from .models import DisclosureItem, ItemState
from .views_public import attachment_response

PAGE_SIZE = 50
WITHIN_CHOICES_LIMIT = 200
ORG_CHOICES_LIMIT = 1000
DEFAULT_DAYS = 30


def _list_crumb() -> tuple[str, str]:
    return _("党务公开"), reverse("disclosure:manage")


def _item_crumbs(item: DisclosureItem, *tail) -> list:
    return [_list_crumb(), (item.title, reverse("disclosure:item_detail", args=[item.pk])), *tail]


def _within_choices(user, current: Organization | None) -> list[tuple[int, str]]:
    root = scoping.get_org_or_404(user, user.org_id)
    children = scoping.scoped(Organization.objects.active().filter(parent=root), user).order_by(
        "sort_order", "id"
    )
    choices = [(root.pk, root.name)] + [
        (child.pk, f"　{child.name}") for child in children[:WITHIN_CHOICES_LIMIT]
    ]
    if current is not None and all(pk != current.pk for pk, _label in choices):
        choices.append((current.pk, current.name))
    return choices


def _org_choices(user) -> list[tuple[int, str]]:
    root_depth = user.org.depth if user.org_id else 0
    return [
        (org.pk, "　" * max(0, org.depth - root_depth) + org.name)
        for org in selectors.publishable_orgs(user=user).only("pk", "name", "depth")[:ORG_CHOICES_LIMIT]
    ]


def _state(item: DisclosureItem, today: dt.date) -> str:
    return rules.item_state(item.publish_on, item.expires_on, item.is_withdrawn, today)


@login_required
def manage(request):
    scoping.require_tree_role(request.user)
    within_raw = request.GET.get("within", "")
    within = scoping.get_org_or_404(request.user, int(within_raw)) if within_raw.isdigit() else None
    form = ItemFilterForm(request.GET, within_choices=_within_choices(request.user, within))
    values = form.values()
    today = timezone.localdate()
    queryset = selectors.items_within(
        user=request.user,
        today=today,
        within=within,
        category=values["category"],
        state=values["state"],
        q=values["q"],
    )
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    params = {k: v for k, v in request.GET.items() if v and k != "page"}

    def link(number: int) -> str:
        return "?" + urlencode({**params, "page": number})

    context = {
        "form": form,
        "within": within,
        "rows": [(item, _state(item, today)) for item in page.object_list],
        "page": page,
        "previous_url": link(page.previous_page_number()) if page.has_previous() else "",
        "next_url": link(page.next_page_number()) if page.has_next() else "",
        "counts": selectors.state_counts(user=request.user, today=today, within=within),
        "states": ItemState,
        "filtered": any(values[k] for k in ("category", "state", "q")),
        "board_org": within or request.user.org,
        "crumbs": [(_("党务公开"), None)],
    }
    htmx = request.htmx
    if htmx and not htmx.history_restore_request and htmx.target == "list-body":
        response = render(request, "disclosure/manage/list.html#list-body", context)
        query = urlencode([(k, v) for k, v in request.GET.items() if v])
        return push_url(response, reverse("disclosure:manage") + (f"?{query}" if query else ""))
    return render(request, "disclosure/manage/list.html", context)


def form_page(request, *, form, title, status=200, refusal="", crumbs, cancel_url, **extra):
    context = {
        "form": form,
        "title": title,
        "refusal": refusal,
        "crumbs": [*crumbs, (title, None)],
        "cancel_url": cancel_url,
        **extra,
    }
    return render(request, "disclosure/manage/form.html", context, status=status)


@login_required
def item_new(request):
    scoping.require_tree_role(request.user)
    today = timezone.localdate()
    org_choices = _org_choices(request.user)
    requested = request.GET.get("org", "")
    initial = {
        "org": int(requested) if requested.isdigit() else request.user.org_id,
        "category": request.GET.get("category", "decision"),
        "publish_on": today,
        "expires_on": today + dt.timedelta(days=DEFAULT_DAYS),
    }
    post = request.method == "POST"
    form = ItemForm(
        request.POST if post else None,
        request.FILES if post else None,
        org_choices=org_choices,
        initial=initial,
    )

    def publish(data):
        org = scoping.get_org_or_404(request.user, data["org"])
        return services.item_publish(
            actor=request.user,
            org=org,
            category=data["category"],
            title=data["title"],
            body=data["body"],
            publish_on=data["publish_on"],
            expires_on=data["expires_on"],
            attachment=data.get("attachment"),
        )

    item, status, refusal = submit(request, form, publish)
    if item is not None:
        messages.success(request, _("已发布“%(title)s”") % {"title": item.title})
        return redirect("disclosure:item_detail", pk=item.pk)
    return form_page(
        request,
        form=form,
        title=_("发布公开事项"),
        status=status,
        refusal=refusal,
        crumbs=[_list_crumb()],
        cancel_url=reverse("disclosure:manage"),
        multipart=True,
        submit=_("发布"),
    )


@login_required
def item_detail(request, pk):
    item = selectors.item_or_404(user=request.user, pk=pk)
    today = timezone.localdate()
    tab = request.GET.get("tab", "info")
    tab = tab if tab in ("info", "log") else "info"
    context = {
        "item": item,
        "state": _state(item, today),
        "tab": tab,
        "log_rows": selectors.item_log(item) if tab == "log" else [],
        "may_update": rules.may_update(item.publish_on, item.is_withdrawn, today),
        "may_withdraw": rules.may_withdraw(item.expires_on, item.is_withdrawn, today),
        "crumbs": _item_crumbs(item),
    }
    return render(request, "disclosure/manage/detail.html", context)


@login_required
def item_edit(request, pk):
    item = selectors.item_or_404(user=request.user, pk=pk)
    today = timezone.localdate()
    post = request.method == "POST"
    initial = {
        "category": item.category,
        "title": item.title,
        "body": item.body,
        "publish_on": item.publish_on,
        "expires_on": item.expires_on,
    }
    form = ItemForm(
        request.POST if post else None,
        request.FILES if post else None,
        org_choices=[],
        editing=True,
        initial=initial,
    )

    def update(data):
        return services.item_update(
            actor=request.user,
            item=item,
            category=data["category"],
            title=data["title"],
            body=data["body"],
            publish_on=data["publish_on"],
            expires_on=data["expires_on"],
            attachment=data.get("attachment"),
            remove_attachment=data.get("remove_attachment", False),
        )

    updated, status, refusal = submit(request, form, update)
    if updated is not None:
        messages.success(request, _("已保存修改"))
        return redirect("disclosure:item_detail", pk=item.pk)
    if not post and not rules.may_update(item.publish_on, item.is_withdrawn, today):
        status, form = 409, None
        refusal = _(
            "已公开或已撤回的事项不能修改；如需更正，请撤回后重新发布（党务公开条例（试行）第十五条）"
        )
    return form_page(
        request,
        form=form,
        title=_("修改公开事项"),
        status=status,
        refusal=refusal,
        crumbs=_item_crumbs(item),
        cancel_url=reverse("disclosure:item_detail", args=[item.pk]),
        multipart=True,
        submit=_("保存"),
        item=item,
    )


@login_required
def item_withdraw(request, pk):
    item = selectors.item_or_404(user=request.user, pk=pk)
    today = timezone.localdate()
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    withdrawn, status, refusal = submit(
        request,
        form,
        lambda data: services.item_withdraw(actor=request.user, item=item, reason=data["reason"]),
    )
    if withdrawn is not None:
        messages.success(request, _("已撤回“%(title)s”，党务公开栏不再显示") % {"title": item.title})
        return redirect("disclosure:item_detail", pk=item.pk)
    if request.method != "POST" and not rules.may_withdraw(item.expires_on, item.is_withdrawn, today):
        status, form = 409, None
        refusal = _("该事项已经撤回") if item.is_withdrawn else _("该事项已过截止日期，不再公开，无需撤回")
    return form_page(
        request,
        form=form,
        title=_("撤回公开事项"),
        status=status,
        refusal=refusal,
        crumbs=_item_crumbs(item),
        cancel_url=reverse("disclosure:item_detail", args=[item.pk]),
        submit=_("撤回"),
        submit_class="btn-danger",
        intro=_("撤回后党务公开栏立即不再显示该事项；记录和撤回原因保留在平台中。"),
    )


@login_required
def item_file(request, pk):
    item = selectors.item_or_404(user=request.user, pk=pk)
    if not item.attachment:
        raise Http404(_("该公开事项没有附件"))
    return attachment_response(item)
