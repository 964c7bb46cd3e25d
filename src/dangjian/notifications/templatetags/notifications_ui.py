"""The inbox bell of the top bar (unread count, one indexed query) and the level badge."""

from django import template
from django.utils.translation import gettext_lazy

from dangjian.notifications import selectors

register = template.Library()

# Never by colour alone: every level has an icon and a word.
LEVELS = {
    "warning": {"label": gettext_lazy("预警"), "css": "text-bg-danger", "icon": "exclamation-triangle-fill"},
    "reminder": {"label": gettext_lazy("提醒"), "css": "text-bg-warning", "icon": "alarm"},
    "info": {"label": gettext_lazy("通知"), "css": "badge-kind", "icon": "info-circle"},
}


@register.filter
def level_badge(level: str) -> dict:
    return LEVELS.get(level, LEVELS["info"])


@register.inclusion_tag("notifications/_bell.html", takes_context=True)
def inbox_bell(context, oob: bool = False) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"unread": selectors.unread_count(user), "oob": oob, "show": bool(user and user.is_authenticated)}
