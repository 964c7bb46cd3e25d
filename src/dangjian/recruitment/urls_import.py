"""Pages of member development's history import and statistics, included from `recruitment/urls.py`
(same `recruitment:` namespace)."""

from django.urls import path

from . import views_stats

urlpatterns = [
    path("stats/", views_stats.development_stats, name="stats"),
    path("stats/export.xlsx", views_stats.development_stats_export, name="stats_export"),
]
