from django.urls import path

from . import views
from .bounces import tracking_webhook

app_name = "reminders"

urlpatterns = [
    # One-click links from reminder emails: no login, the signed token is the access check.
    path("r/thank-you/<str:token>/", views.action_thank_you_sent, name="action_thank_you_sent"),
    path("r/snooze/<str:token>/", views.action_snooze, name="action_snooze"),
    path("r/done/<str:token>/", views.action_item_done, name="action_item_done"),
    path("r/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    # Email providers' tracking webhooks (bounces, complaints: reminders/bounces.py), beside
    # their inbound ones (inbound/urls.py); their own authentication is the check.
    path("inbound/mailgun/tracking/", tracking_webhook("mailgun"), name="tracking_mailgun"),
    path("inbound/postmark/tracking/", tracking_webhook("postmark"), name="tracking_postmark"),
    # Client portal
    path("portal/reminders/", views.reminder_preferences, name="reminder_preferences"),
]
