from django.urls import path

from . import views
from .webhooks import provider_webhook

app_name = "inbound"

# URL keyword names say which object they load (tests/test_access.py builds every URL from them).
urlpatterns = [
    # Providers' inbound webhooks (inbound/webhooks.py): their own authentication is the check.
    path("inbound/mailgun/", provider_webhook("mailgun"), name="webhook_mailgun"),
    path("inbound/postmark/", provider_webhook("postmark"), name="webhook_postmark"),
    # The client (portal) and whoever works on them.
    path(
        "clients/<int:client_pk>/email-logging/",
        views.logging_address,
        name="logging_address",
    ),
    path(
        "clients/<int:client_pk>/email-logging/unmatched/",
        views.message_list,
        name="message_list",
    ),
    path(
        "email-logging/messages/<int:message_pk>/",
        views.message_resolve,
        name="message_resolve",
    ),
    path(
        "email-logging/messages/<int:message_pk>/discard/",
        views.message_discard,
        name="message_discard",
    ),
    path(
        "clients/<int:client_pk>/email-logging/suggestions/",
        views.suggestion_list,
        name="suggestion_list",
    ),
    path(
        "email-logging/suggestions/<int:suggestion_pk>/",
        views.suggestion_accept,
        name="suggestion_accept",
    ),
    path(
        "email-logging/suggestions/<int:suggestion_pk>/dismiss/",
        views.suggestion_dismiss,
        name="suggestion_dismiss",
    ),
]
