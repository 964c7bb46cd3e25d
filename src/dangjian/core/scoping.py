"""The one place that decides what a user may see: every query of org-owned data goes through here.

A user's scope is the subtree of the organization their account is attached to. Data outside it does not
exist for them (404), which `get_org_or_404` and `scoped` guarantee.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from . import tree

# Roles allowed to work with the organization tree at all; members (self-service) and reviewers
# (assigned work only) are not.
TREE_ROLES = frozenset({"county_admin", "committee_officer", "branch_secretary"})


def scope_path(user) -> str | None:
    """Path of the root of the user's scope, or None when the user sees no part of the tree."""
    if not getattr(user, "is_authenticated", False):
        return None
    if user.role not in TREE_ROLES or user.org_id is None:
        return None
    return user.org.path


def require_tree_role(user) -> None:
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("请先登录"))
    if user.role not in TREE_ROLES:
        raise PermissionDenied(_("您的角色无权访问组织管理功能"))


def scoped(queryset: QuerySet, user, path_field: str = "path") -> QuerySet:
    """Limit any queryset of org-owned rows to the user's subtree (empty when the user has none)."""
    root = scope_path(user)
    if root is None:
        return queryset.none()
    return queryset.filter(tree.within(root, path_field))


def in_scope(user, path: str) -> bool:
    root = scope_path(user)
    return root is not None and tree.is_within(path, root)


def get_org_or_404(user, pk, *, include_dissolved: bool = True):
    from dangjian.orgs.models import Organization

    require_tree_role(user)
    queryset = Organization.objects.select_related("parent")
    if not include_dissolved:
        queryset = queryset.filter(dissolved_on__isnull=True)
    try:
        return scoped(queryset, user).get(pk=pk)
    except (Organization.DoesNotExist, ValueError, TypeError):
        raise Http404(_("组织不存在或不在您的管理范围内")) from None
