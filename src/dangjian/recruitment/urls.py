"""Pages of member development (发展党员), mounted at /recruitment/."""

from django.urls import include, path

from . import views, views_documents, views_due, views_plans, views_steps

app_name = "recruitment"
urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("new/", views.case_create, name="case_create"),
    path("<int:pk>/", views.case_detail, name="case_detail"),
    path("<int:pk>/edit/", views.case_edit, name="case_edit"),
    path("<int:pk>/reveal/", views.case_reveal, name="case_reveal"),
    path("<int:pk>/withdraw/", views.case_withdraw, name="case_withdraw"),
    path("<int:pk>/files/", views.case_file_upload, name="case_file_upload"),
    path("<int:pk>/files/<int:file_pk>/", views.case_file_download, name="case_file"),
    path("<int:pk>/steps/<int:step>/", views_steps.step_record, name="step_record"),
    path("<int:pk>/steps/<int:step>/preview/", views_steps.step_preview, name="step_preview"),
    path("<int:pk>/documents/<slug:kind>.docx", views_documents.document_docx, name="document_docx"),
    path("<int:pk>/documents/<slug:kind>/", views_documents.document_print, name="document_print"),
    path("due/", views_due.due_list, name="due_list"),
    path("due/export.xlsx", views_due.due_export, name="due_export"),
    path("notices/", views_documents.notice_list, name="notice_list"),
    path("notices/<int:org_pk>/", views_documents.branch_notice_print, name="branch_notice"),
    path("notices/<int:org_pk>/notice.docx", views_documents.branch_notice_docx, name="branch_notice_docx"),
    path("plans/", views_plans.plan_list, name="plan_list"),
    path("plans/new/", views_plans.plan_create, name="plan_create"),
    path("plans/<int:pk>/", views_plans.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/edit/", views_plans.plan_edit, name="plan_edit"),
    path("", include("dangjian.recruitment.urls_import")),  # stats/, import/ (views_stats, views_import)
]
