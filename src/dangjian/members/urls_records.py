"""Pages of member records (党员管理): the roster, one member, the record forms and attached files."""

from django.urls import path

from . import views_records as views

app_name = "members"
urlpatterns = [
    path("", views.roster, name="roster"),
    path("new/", views.member_create, name="create"),
    path("<int:pk>/", views.member_detail, name="detail"),
    path("<int:pk>/edit/", views.member_edit, name="edit"),
    path("<int:pk>/reveal/", views.member_reveal, name="reveal"),
    path("<int:pk>/files/", views.member_file_upload, name="file_upload"),
    path("<int:pk>/files/<int:file_pk>/", views.member_file_download, name="file"),
]
