"""/orglife/compliance/: the heat map, a branch's checklist, study hours, a member's own hours, the ledger."""

from django.urls import path

from . import views_compliance as views

app_name = "compliance"
urlpatterns = [
    path("", views.index, name="index"),
    path("export/", views.export, name="export"),
    path("checklist/", views.checklist, name="checklist"),
    path("ledger/", views.ledger, name="ledger"),
    path("hours/", views.hours, name="hours"),
    path("my-hours/", views.my_hours, name="my_hours"),
]
