from django.contrib import admin
from django.urls import include, path

from dangjian.api import api

urlpatterns = [
    path("", include("dangjian.core.urls")),
    path("accounts/", include("dangjian.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("orgs/", include("dangjian.orgs.urls")),
    path("members/", include("dangjian.members.urls_records")),  # roster, member pages
    path("stats/", include("dangjian.stats.urls")),
    path("members/import/", include("dangjian.members.urls_import")),
    path("", include("dangjian.members.urls_transfers")),  # transfers/, status-changes/, mobile/
    path("", include("dangjian.members.urls_selfservice")),  # me/ (党员自助服务), service/ (党员服务)
    path("api/v1/", api.urls),
    path("django-admin/", admin.site.urls),
]
