from django.urls import path

from . import views

app_name = "stats"
urlpatterns = [
    path("", views.member_stats, name="members"),
    path("export/", views.member_stats_export, name="export"),
]
