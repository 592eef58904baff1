from django.urls import path

from . import views
from .client_views import client_reassign, client_share, client_unshare

app_name = "practices"

urlpatterns = [
    path("practice/team/", views.team, name="team"),
    # Moving and sharing a client between the practice's coaches (client_views.py)
    path("clients/<int:client_pk>/reassign/", client_reassign, name="client_reassign"),
    path("clients/<int:client_pk>/share/", client_share, name="client_share"),
    path(
        "clients/<int:client_pk>/shares/<int:share_pk>/stop/",
        client_unshare,
        name="client_unshare",
    ),
]
