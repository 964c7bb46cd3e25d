"""Template helpers of the member-development pages: stage badges (icon + word, never colour alone)."""

from django import template

from ..views_common import stage_badge as _stage_badge

register = template.Library()


@register.inclusion_tag("recruitment/_stage_badge.html")
def stage_badge(stage: str):
    return {"badge": _stage_badge(stage)}


@register.filter
def step_doc(documents: dict, number: int):
    """The document a step produces (documents.DOCUMENTS_OF_STEP), if any."""
    return documents.get(number)
