"""Staff pages of the demonstration-site programme, mounted at /sites/ (namespace `sites`).

URL names are stable: other modules link to them (the public board, the QR sheet, the demo and the browser
test). The public pages (disclosure board, survey, QR sheet) live elsewhere.
"""

from django.urls import path

from .views import applications, campaigns, catalogues, documents, evaluation, management, overview

app_name = "sites"

urlpatterns = [
    path("", overview.overview, name="overview"),
    # 创建标准
    path("catalogues/", catalogues.catalogue_list, name="catalogue_list"),
    path("catalogues/new/", catalogues.catalogue_new, name="catalogue_new"),
    path("catalogues/<int:pk>/", catalogues.catalogue_detail, name="catalogue_detail"),
    path("catalogues/<int:pk>/criteria/new/", catalogues.criterion_add, name="criterion_add"),
    path(
        "catalogues/<int:pk>/criteria/<int:criterion_pk>/remove/",
        catalogues.criterion_remove,
        name="criterion_remove",
    ),
    path("catalogues/<int:pk>/publish/", catalogues.catalogue_publish, name="catalogue_publish"),
    path("catalogues/<int:pk>/new-version/", catalogues.catalogue_new_version, name="catalogue_new_version"),
    # 年度创建
    path("campaigns/", campaigns.campaign_list, name="campaign_list"),
    path("campaigns/new/", campaigns.campaign_new, name="campaign_new"),
    path("campaigns/<int:pk>/", campaigns.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/edit/", campaigns.campaign_edit, name="campaign_edit"),
    path("campaigns/<int:pk>/quotas/", campaigns.campaign_quotas, name="campaign_quotas"),
    path("campaigns/<int:pk>/close/", campaigns.campaign_close, name="campaign_close"),
    path("campaigns/<int:pk>/ranking/", campaigns.ranking, name="ranking"),
    path("campaigns/<int:pk>/notices/new/", campaigns.notice_new, name="notice_new"),
    path("campaigns/<int:pk>/bottom-rank/", campaigns.bottom_rank, name="bottom_rank"),
    path("campaigns/<int:pk>/re-reviews/open/", campaigns.rereview_open, name="rereview_open"),
    path("campaigns/<int:pk>/designated.xlsx", documents.designated_xlsx, name="designated_xlsx"),
    path("campaigns/<int:pk>/designated/print/", documents.designated_print, name="designated_print"),
    path("campaigns/<int:pk>/certificates.docx", documents.certificates_docx, name="certificates_docx"),
    # 申报
    path("applications/", applications.application_list, name="application_list"),
    path("applications/new/", applications.application_new, name="application_new"),
    path("applications/<int:pk>/", applications.application_detail, name="application_detail"),
    path("applications/<int:pk>/plan/", applications.application_plan, name="application_plan"),
    path("applications/<int:pk>/self-evaluation/", applications.application_self, name="application_self"),
    path("applications/<int:pk>/evidence/new/", evaluation.evidence_add, name="evidence_add"),
    path(
        "applications/<int:pk>/evidence/<int:evidence_pk>/",
        evaluation.evidence_download,
        name="evidence_download",
    ),
    path("applications/<int:pk>/photos/<int:photo_pk>/", evaluation.photo_download, name="photo_download"),
    path("applications/<int:pk>/survey-codes/", evaluation.survey_codes, name="survey_codes"),
    path("applications/<int:pk>/reviewers/", evaluation.reviewer_assign, name="reviewer_assign"),
    path(
        "applications/<int:pk>/reviewers/<int:assignment_pk>/remove/",
        evaluation.reviewer_unassign,
        name="reviewer_unassign",
    ),
    path("applications/<int:pk>/form.docx", documents.application_docx, name="application_docx"),
    path("applications/<int:pk>/print/", documents.application_print, name="application_print"),
    path("applications/<int:pk>/<slug:action>/", applications.application_action, name="application_action"),
    # 评审
    path("review/", evaluation.review_list, name="review_list"),
    path("review/<int:pk>/", evaluation.review_score, name="review_score"),
    path("review/<int:pk>/photos/", evaluation.review_photo, name="review_photo"),
    # 公示异议与动态管理
    path("objections/", management.objection_list, name="objection_list"),
    path("objections/<int:pk>/resolve/", management.objection_resolve, name="objection_resolve"),
    path("sites/", management.site_list, name="site_list"),
    path("sites/<int:pk>/", management.site_detail, name="site_detail"),
    path("sites/<int:pk>/certificate.docx", documents.site_certificate, name="site_certificate"),
    path("re-reviews/", management.rereview_list, name="rereview_list"),
    path("re-reviews/<int:pk>/", management.rereview_detail, name="rereview_detail"),
    path("re-reviews/<int:pk>/conclude/", management.rereview_conclude, name="rereview_conclude"),
    path("rectifications/", management.rectification_list, name="rectification_list"),
    path("rectifications/<int:pk>/close/", management.rectification_close, name="rectification_close"),
]
