"""Pages of member development's history import and statistics, included from `recruitment/urls.py`
(same `recruitment:` namespace)."""

from django.urls import path

from . import views_import, views_stats

urlpatterns = [
    path("stats/", views_stats.development_stats, name="stats"),
    path("stats/export.xlsx", views_stats.development_stats_export, name="stats_export"),
    path("import/", views_import.import_page, name="import"),
    path("import/template.xlsx", views_import.import_template, name="import_template"),
    path("import/errors.xlsx", views_import.import_errors, name="import_errors"),
]
