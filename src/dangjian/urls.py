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
    path("orglife/", include("dangjian.orglife.urls")),  # meetings, votes, compliance, study hours
    path("recruitment/", include("dangjian.recruitment.urls")),  # 发展党员 cases, due list, plans
    path("sites/", include("dangjian.sites.urls")),  # 党建示范点: catalogues, campaigns, applications
    path("inbox/", include("dangjian.notifications.urls")),  # 消息提醒
    path("public/", include("dangjian.disclosure.urls")),  # 党务公开栏 and the public survey (no login)
    path("api/v1/", api.urls),
    path("django-admin/", admin.site.urls),
]
