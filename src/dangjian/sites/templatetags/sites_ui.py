"""Template helpers of the demonstration-site pages: labels of the programme's codes."""

from decimal import Decimal

from django import template
from django.utils.translation import gettext as _

from dangjian.orgs.models import Domain

from ..models import ALL_DOMAINS, Tier

register = template.Library()


@register.filter
def domain_label(value: str) -> str:
    if value == ALL_DOMAINS:
        return _("通用（各领域）")
    try:
        return str(Domain(value).label)
    except ValueError:
        return value or "—"


@register.filter
def tier_label(value: str) -> str:
    try:
        return str(Tier(value).label)
    except ValueError:
        return value or "—"


@register.filter
def score(value) -> str:
    """A score without trailing zeros (4.0 → 4, 87.50 → 87.5); "—" when there is none."""
    if value is None or value == "":
        return "—"
    if not isinstance(value, Decimal):
        try:
            value = Decimal(str(value))
        except ArithmeticError:
            return str(value)
    text = f"{value.normalize():f}"
    return text
