from django.urls import path

from . import views

app_name = "goals"

# URL keyword names say which object they load (client_pk, action_item_pk): the access test in
# tests/test_access.py builds every URL from them for every role.
urlpatterns = [
    path("clients/<int:client_pk>/actions/", views.action_items, name="action_items"),
    path(
        "clients/<int:client_pk>/actions/new/",
        views.action_item_create,
        name="action_item_create",
    ),
    path("actions/<int:action_item_pk>/edit/", views.action_item_edit, name="action_item_edit"),
    path(
        "actions/<int:action_item_pk>/delete/",
        views.action_item_delete,
        name="action_item_delete",
    ),
    path(
        "actions/<int:action_item_pk>/done/",
        views.action_item_complete,
        name="action_item_complete",
    ),
    path(
        "actions/<int:action_item_pk>/reopen/",
        views.action_item_reopen,
        name="action_item_reopen",
    ),
    path("clients/<int:client_pk>/targets/", views.targets_edit, name="targets_edit"),
]
