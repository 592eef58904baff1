from django.urls import path

from . import views

app_name = "clients"

urlpatterns = [
    path("coach/", views.coach_home, name="coach_home"),
    path("portal/", views.portal_home, name="portal_home"),
]
