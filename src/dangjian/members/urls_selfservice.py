"""URLs of member self-service (/me/…) and of the branch's counter for it (/service/…)."""

from django.urls import include, path

from . import views_selfservice as views

app_name = "selfservice"

my_corrections = [
    path("", views.my_corrections, name="list"),
    path("new/", views.correction_new, name="new"),
]
my_consultations = [
    path("", views.my_consultations, name="list"),
    path("new/", views.consultation_new, name="new"),
    path("<int:pk>/", views.my_consultation, name="detail"),
]
desk = [
    path("corrections/", views.service_corrections, name="corrections"),
    path("corrections/<int:pk>/", views.service_correction, name="correction"),
    path("corrections/<int:pk>/approve/", views.service_correction_approve, name="correction_approve"),
    path("corrections/<int:pk>/reject/", views.service_correction_reject, name="correction_reject"),
    path("consultations/", views.service_consultations, name="consultations"),
    path("consultations/<int:pk>/", views.service_consultation, name="consultation"),
]

urlpatterns = [
    path("me/", views.my_record, name="record"),
    path("me/reveal/", views.my_record_reveal, name="reveal"),
    path("me/corrections/", include((my_corrections, "my_corrections"))),
    path("me/consultations/", include((my_consultations, "my_consultations"))),
    path("service/", include((desk, "desk"))),
]
