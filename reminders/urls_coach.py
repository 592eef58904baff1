"""The coach's reminder pages. Included in coachdesk/urls.py under the "reminders_coach"
namespace (reminders/urls.py holds the "reminders" one)."""

from django.urls import path

from . import views_coach

urlpatterns = [
    path(
        "clients/<int:client_pk>/reminders/",
        views_coach.client_reminders,
        name="client_reminders",
    ),
]
