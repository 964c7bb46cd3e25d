"""Reads of the inbox — every user sees only their own messages — and who receives an organization's reminders.

Recipients of an organization's reminders are the active accounts whose scope root is that organization and
whose role works with the tree (its branch secretaries, a committee's officers, the county's administrators).
An escalated reminder (a warning) also goes to the officers of the first 党委 / 党工委 above it.
"""

from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet

from dangjian.core import tree
from dangjian.core.scoping import TREE_ROLES

from .models import Level, Notification

ESCALATION_ROLES = frozenset({"committee_officer", "county_admin"})
COMMITTEE_KINDS = ("committee", "working_committee")
READ_STATES = ("unread", "read")


def inbox(*, user, level: str = "", category: str = "", state: str = "") -> QuerySet[Notification]:
    """The user's own messages, unread first, newest first; filtered by level, category, read state."""
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    queryset = Notification.objects.filter(recipient=user)
    if level in Level.values:
        queryset = queryset.filter(level=level)
    if category:
        queryset = queryset.filter(category=category)
    if state == "unread":
        queryset = queryset.filter(read_at__isnull=True)
    elif state == "read":
        queryset = queryset.filter(read_at__isnull=False)
    return queryset.annotate(
        unread=ExpressionWrapper(Q(read_at__isnull=True), output_field=BooleanField())
    ).order_by("-unread", "-created_at", "-id")


def unread_count(user) -> int:
    """Unread messages of the user (one indexed count; 0 for an anonymous user)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def unread_by_level(user) -> dict[str, int]:
    if not getattr(user, "is_authenticated", False):
        return {}
    rows = Notification.objects.filter(recipient=user, read_at__isnull=True).values("level")
    return dict(rows.annotate(n=Count("id")).values_list("level", "n"))


def used_categories(user) -> list[str]:
    """Categories that occur in the user's inbox, for the filter."""
    if not getattr(user, "is_authenticated", False):
        return []
    return sorted(Notification.objects.filter(recipient=user).values_list("category", flat=True).distinct())


# --- recipients ------------------------------------------------------------------------------------------------


def _accounts():
    from dangjian.accounts.models import User

    return User.objects.filter(is_active=True, role__in=TREE_ROLES, org__isnull=False).order_by("id")


def recipients_for(org, *, escalate: bool = False) -> list:
    """The accounts an organization's reminder goes to; with `escalate`, also the committee above's officers."""
    from dangjian.orgs.models import Organization

    found = list(_accounts().filter(org=org))
    if escalate:
        above = (
            Organization.objects.filter(pk__in=tree.ancestor_ids(org.path)[:-1], kind__in=COMMITTEE_KINDS)
            .order_by("-depth")
            .first()
        )
        if above is not None:
            found += [u for u in _accounts().filter(org=above, role__in=ESCALATION_ROLES) if u not in found]
    return found


class RecipientIndex:
    """`recipients_for` for many organizations at once, from two queries (the daily job uses it)."""

    def __init__(self):
        from dangjian.orgs.models import Organization

        self._by_org: dict[int, list] = {}
        for user in _accounts().only("id", "org_id", "role", "username", "display_name", "email"):
            self._by_org.setdefault(user.org_id, []).append(user)
        self._committees = set(
            Organization.objects.filter(kind__in=COMMITTEE_KINDS).values_list("id", flat=True)
        )

    def __bool__(self) -> bool:
        return bool(self._by_org)

    def committee_above(self, path: str) -> int | None:
        """The nearest 党委 / 党工委 strictly above the organization at `path`."""
        for pk in reversed(tree.ancestor_ids(path)[:-1]):
            if pk in self._committees:
                return pk
        return None

    def recipients(self, org_id: int, path: str, *, escalate: bool = False) -> list:
        found = list(self._by_org.get(org_id, ()))
        if escalate:
            above = self.committee_above(path)
            if above is not None:
                found += [
                    u for u in self._by_org.get(above, ()) if u.role in ESCALATION_ROLES and u not in found
                ]
        return found
