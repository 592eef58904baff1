"""The operator's admin: every model is registered and its list, search and add pages render."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from accounts.models import User
from tests.factories import InterviewFactory, TouchFactory

pytestmark = pytest.mark.django_db

OUR_APPS = {"accounts", "clients", "interviews", "goals", "reminders"}


def our_models():
    return [m for m in apps.get_models() if m._meta.app_label in OUR_APPS]


def test_every_model_of_our_apps_is_in_the_admin():
    missing = [m.__name__ for m in our_models() if m not in admin.site._registry]
    assert missing == []


@pytest.mark.parametrize("model", our_models(), ids=lambda m: m.__name__)
def test_the_admin_list_search_and_add_pages_render(client, model, force_login_verified):
    operator = User.objects.create_superuser("ops@example.com", "ops-password-1", name="Ops")
    TouchFactory()
    InterviewFactory()
    force_login_verified(client, operator)
    prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"

    assert client.get(reverse(f"{prefix}_changelist")).status_code == 200
    assert client.get(reverse(f"{prefix}_changelist"), {"q": "a"}).status_code == 200
    # A read-only admin (the audit trail) refuses the add page, to the operator too.
    request = RequestFactory().get("/")
    request.user = operator
    can_add = admin.site._registry[model].has_add_permission(request)
    assert client.get(reverse(f"{prefix}_add")).status_code == (200 if can_add else 403)
