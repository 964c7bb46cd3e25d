from django.urls import path

from . import views

app_name = "orgs"
urlpatterns = [
    path("", views.org_tree, name="tree"),
    path("search/", views.org_search, name="search"),
    path("<int:pk>/", views.org_detail, name="detail"),
    path("<int:pk>/children/", views.org_children, name="children"),
    path("<int:pk>/new/", views.org_create_child, name="create_child"),
    path("<int:pk>/edit/", views.org_edit, name="edit"),
    path("<int:pk>/term/", views.org_term, name="term"),
    path("<int:pk>/move/", views.org_move, name="move"),
    path("<int:pk>/dissolve/", views.org_dissolve, name="dissolve"),
    path("<int:pk>/positions/new/", views.position_appoint, name="appoint"),
    path("<int:pk>/positions/<int:position_pk>/end/", views.position_end, name="position_end"),
]
