"""Helpers shared by the programme's services: who may do what, today's date, history events."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core import scoping

from .. import rules
from ..models import Application, ApplicationState, Campaign, SiteEvent

ADMIN = "county_admin"
OFFICER = "committee_officer"
REVIEWER = "reviewer"
REVIEWER_ROLES = frozenset({REVIEWER, OFFICER, ADMIN})  # who may be assigned to evaluate


def today() -> dt.date:
    return timezone.localdate()


def require_admin(actor) -> None:
    scoping.require_tree_role(actor)
    if actor.role != ADMIN:
        raise PermissionDenied(_("只有组织部管理员可以进行此操作"))


def require_in_scope(actor, path: str, message: str | None = None) -> None:
    scoping.require_tree_role(actor)
    if not scoping.in_scope(actor, path):
        raise PermissionDenied(message or _("该组织不在您的管理范围内"))


def require_campaign_manager(actor, campaign: Campaign) -> None:
    """The county admin whose scope holds the campaign's organizing organization."""
    require_admin(actor)
    if not scoping.in_scope(actor, campaign.org_path):
        raise PermissionDenied(_("该年度创建工作不在您的管理范围内"))


def is_above(actor, path: str) -> bool:
    """The actor's scope holds `path` but is not that organization itself (the committee above)."""
    root = scoping.scope_path(actor)
    return root is not None and path != root and path.startswith(root)


def require_above(actor, application: Application) -> None:
    # 方案三: the township or system committee pre-reviews and recommends its units upward (好中选优).
    scoping.require_tree_role(actor)
    if actor.role not in (OFFICER, ADMIN) or not is_above(actor, application.org_path):
        raise PermissionDenied(_("只有申报组织的上级党组织可以进行此操作"))


def require_decider(actor, application: Application) -> None:
    # 方案三: county sites are examined, publicized and designated by the county organization department.
    require_in_scope(actor, application.org_path, _("该申报不在您的管理范围内"))
    if not rules.may_decide(actor.role, application.tier) or not is_above(actor, application.org_path):
        raise PermissionDenied(
            _("%(tier)s示范点由%(who)s审定")
            % {
                "tier": application.get_tier_display(),
                "who": _("乡镇（系统）党委或组织部") if application.tier == "township" else _("组织部"),
            }
        )


def require_applicant(actor, application: Application) -> None:
    """The applying organization's own secretary, or a tree user above it acting on its behalf."""
    require_in_scope(actor, application.org_path, _("该申报不在您的管理范围内"))


def state_labels() -> dict[str, str]:
    return {value: str(label) for value, label in ApplicationState.choices}


def event(
    *, org, kind: str, on: dt.date, note: str = "", actor=None, application=None, site=None
) -> SiteEvent:
    """One line of an organization's history in the programme (kept across years)."""
    return SiteEvent.objects.create(
        org=org,
        org_path=org.path,
        application=application,
        site=site,
        kind=kind,
        on=on,
        note=note[:300],
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )
