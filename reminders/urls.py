from django.urls import path

from . import views

app_name = "reminders"

urlpatterns = [
    # One-click links from reminder emails: no login, the signed token is the access check.
    path("r/thank-you/<str:token>/", views.action_thank_you_sent, name="action_thank_you_sent"),
    path("r/snooze/<str:token>/", views.action_snooze, name="action_snooze"),
    path("r/done/<str:token>/", views.action_item_done, name="action_item_done"),
    path("r/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    # Client portal
    path("portal/reminders/", views.reminder_preferences, name="reminder_preferences"),
]
