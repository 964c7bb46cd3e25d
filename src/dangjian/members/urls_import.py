"""Pages of roster import and export (花名册导入导出), mounted at /members/import/."""

from django.urls import path

from . import views_import as views

app_name = "member_import"
urlpatterns = [
    path("", views.index, name="index"),
    path("template.xlsx", views.template, name="template"),
    path("upload/", views.upload, name="upload"),
    path("jobs/<int:pk>/", views.job, name="job"),
    path("jobs/<int:pk>/errors.xlsx", views.job_errors, name="job_errors"),
    path("export.xlsx", views.export, name="export"),
]
