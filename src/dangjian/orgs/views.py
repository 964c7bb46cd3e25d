from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from dangjian.core import scoping


@login_required
def org_tree(request):
    scoping.require_tree_role(request.user)
    root = scoping.get_org_or_404(request.user, request.user.org_id)
    return render(request, "orgs/tree.html", {"root": root})
