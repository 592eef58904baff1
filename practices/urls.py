from django.urls import path

from . import views
from .client_views import client_reassign, client_share, client_unshare

app_name = "practices"

urlpatterns = [
    path("practice/team/", views.team, name="team"),
    path(
        "practice/team/invitations/<int:invitation_pk>/resend/",
        views.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "practice/team/invitations/<int:invitation_pk>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("practice/team/<int:membership_pk>/role/", views.member_role, name="member_role"),
    path(
        "practice/team/<int:membership_pk>/deactivate/",
        views.member_deactivate,
        name="member_deactivate",
    ),
    path(
        "practice/team/<int:membership_pk>/reactivate/",
        views.member_reactivate,
        name="member_reactivate",
    ),
    path("practice/settings/", views.practice_settings, name="settings"),
    # Public: the signed token is the credential (practices/invitations.py).
    path("practice/join/<str:token>/", views.invitation_accept, name="invitation_accept"),
    # Moving and sharing a client between the practice's coaches (client_views.py)
    path("clients/<int:client_pk>/reassign/", client_reassign, name="client_reassign"),
    path("clients/<int:client_pk>/share/", client_share, name="client_share"),
    path(
        "clients/<int:client_pk>/shares/<int:share_pk>/stop/",
        client_unshare,
        name="client_unshare",
    ),
]
