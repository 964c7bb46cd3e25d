from django.urls import include, path

from . import views

app_name = "orglife"
urlpatterns = [
    path("", views.meeting_list, name="meeting_list"),
    path("calendar/", views.meeting_calendar, name="meeting_calendar"),
    path("new/", views.meeting_create, name="meeting_create"),
    path("<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("<int:pk>/hold/", views.meeting_hold, name="meeting_hold"),
    path("<int:pk>/cancel/", views.meeting_cancel, name="meeting_cancel"),
    path("<int:pk>/attendance/", views.meeting_attendance, name="meeting_attendance"),
    path("<int:pk>/votes/", views.meeting_vote, name="meeting_vote"),
    path("<int:pk>/grades/", views.meeting_grades, name="meeting_grades"),
    path("<int:pk>/files/", views.meeting_file_upload, name="meeting_file_upload"),
    path("<int:pk>/files/<int:file_pk>/", views.meeting_file, name="meeting_file"),
    path("<int:pk>/files/<int:file_pk>/delete/", views.meeting_file_delete, name="meeting_file_delete"),
    path("<int:pk>/record.docx", views.meeting_record_docx, name="meeting_record_docx"),
    path("<int:pk>/print/", views.meeting_print, name="meeting_print"),
    path("compliance/", include("dangjian.orglife.urls_compliance")),  # 合规检查, study hours, ledger
]
