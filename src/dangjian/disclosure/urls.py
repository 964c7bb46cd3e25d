"""党务公开栏 (/public/, namespace `disclosure`): the public board, items, objections and the mass survey (no
login), and the staff pages under /public/manage/ (tree roles) with the printable QR sheet of survey codes.

Fixed paths come before `<org_code>/`, the board of one organization's subtree.
"""

from django.urls import path

from . import views_manage, views_public, views_sheet

app_name = "disclosure"

urlpatterns = [
    path("", views_public.board, name="board"),
    # 群众测评
    path("survey/", views_public.survey_entry, name="survey_entry"),
    path("survey/done/", views_public.survey_done, name="survey_done"),
    path("survey/<str:code>/", views_public.survey_page, name="survey"),
    # 公开事项与公示异议
    path("items/<int:pk>/", views_public.item, name="item"),
    path("items/<int:pk>/attachment/", views_public.item_attachment, name="item_attachment"),
    path("objections/thanks/", views_public.objection_thanks, name="objection_thanks"),
    path("objections/<int:pk>/", views_public.objection, name="objection"),
    # 管理（登录）
    path("manage/", views_manage.manage, name="manage"),
    path("manage/new/", views_manage.item_new, name="item_new"),
    path("manage/<int:pk>/", views_manage.item_detail, name="item_detail"),
    path("manage/<int:pk>/edit/", views_manage.item_edit, name="item_edit"),
    path("manage/<int:pk>/withdraw/", views_manage.item_withdraw, name="item_withdraw"),
    path("manage/<int:pk>/attachment/", views_manage.item_file, name="item_file"),
    path("manage/survey-sheet/<int:pk>/", views_sheet.survey_sheet, name="survey_sheet"),
    # 下级组织的公开栏
    path("<str:org_code>/", views_public.board, name="org_board"),
]
