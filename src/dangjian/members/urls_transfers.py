"""Pages of 组织关系转接 (transfers:letters:…), 党籍异动 (transfers:status:…) and 流动党员 (transfers:mobile:…).

Included at the site root; each area has its own namespace so the navigation marks the right entry.
"""

from django.urls import include, path

from . import views_transfers as views

app_name = "transfers"

letter_patterns = [
    path("", views.transfer_list, name="list"),
    path("new/", views.transfer_issue, name="new"),
    path("new/members/", views.member_options, name="member_options"),
    path("new/orgs/", views.org_options, name="org_options"),
    path("incoming/", views.transfer_incoming, name="incoming"),
    path("<int:pk>/", views.transfer_detail, name="detail"),
    path("<int:pk>/receive/", views.transfer_receive, name="receive"),
    path("<int:pk>/cancel/", views.transfer_cancel, name="cancel"),
    path("<int:pk>/letter.docx", views.transfer_letter, name="letter"),
    path("<int:pk>/print/", views.transfer_print, name="print"),
]
status_patterns = [
    path("", views.status_list, name="list"),
    path("members/<int:member_pk>/new/", views.status_new, name="new"),
]
mobile_patterns = [
    path("", views.mobile_list, name="list"),
    path("members/<int:member_pk>/new/", views.mobile_new, name="new"),
    path("<int:pk>/", views.mobile_detail, name="detail"),
    path("<int:pk>/return/", views.mobile_return, name="return"),
    path("<int:pk>/activities/new/", views.mobile_activity, name="activity"),
]

urlpatterns = [
    path("transfers/", include((letter_patterns, "letters"))),
    path("status-changes/", include((status_patterns, "status"))),
    path("mobile/", include((mobile_patterns, "mobile"))),
]
