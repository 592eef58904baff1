from django.urls import path

from . import views

app_name = "dashboard"

urlpatterns = [
    path("coach/", views.coach_home, name="coach_home"),
    path("insights/", views.caseload_insights, name="caseload_insights"),
    path("practice/", views.practice_home, name="practice_home"),
    path("practice/figures.csv", views.practice_export, name="practice_export"),
    path("portal/", views.client_home, name="client_home"),
    path("clients/<int:client_pk>/progress/", views.client_insights, name="client_insights"),
    path("clients/<int:client_pk>/report/", views.progress_report, name="progress_report"),
    path(
        "clients/<int:client_pk>/export/contacts.csv",
        views.export_contacts,
        name="export_contacts",
    ),
    path(
        "clients/<int:client_pk>/export/interviews.csv",
        views.export_interviews,
        name="export_interviews",
    ),
    path(
        "clients/<int:client_pk>/export/all-data.zip",
        views.export_all_data,
        name="export_all_data",
    ),
]
