from django.urls import path

from .views import caseload, companies, contacts, portal

app_name = "clients"

# URL keyword names say which object they load (client_pk, company_pk, contact_pk, ...): the
# access test in tests/test_access.py builds every URL from them for another coach and client.
urlpatterns = [
    # Coach: home and caseload
    path("coach/", caseload.coach_home, name="coach_home"),
    path("clients/", caseload.caseload, name="caseload"),
    path("clients/new/", caseload.client_create, name="client_create"),
    path("clients/<int:client_pk>/", caseload.client_detail, name="client_detail"),
    path("clients/<int:client_pk>/edit/", caseload.client_edit, name="client_edit"),
    path("clients/<int:client_pk>/archive/", caseload.client_archive, name="client_archive"),
    path("clients/<int:client_pk>/unarchive/", caseload.client_unarchive, name="client_unarchive"),
    # Companies (coach and the client themselves)
    path("clients/<int:client_pk>/companies/", companies.company_list, name="company_list"),
    path("clients/<int:client_pk>/companies/new/", companies.company_create, name="company_create"),
    path("companies/<int:company_pk>/edit/", companies.company_edit, name="company_edit"),
    path("companies/<int:company_pk>/delete/", companies.company_delete, name="company_delete"),
    # Contacts (coach and the client themselves)
    path("clients/<int:client_pk>/contacts/", contacts.contact_list, name="contact_list"),
    path("clients/<int:client_pk>/contacts/new/", contacts.contact_create, name="contact_create"),
    path("contacts/<int:contact_pk>/", contacts.contact_detail, name="contact_detail"),
    path("contacts/<int:contact_pk>/edit/", contacts.contact_edit, name="contact_edit"),
    path("contacts/<int:contact_pk>/log/", contacts.contact_log_touch, name="contact_log_touch"),
    path("contacts/<int:contact_pk>/close/", contacts.contact_close, name="contact_close"),
    path("contacts/<int:contact_pk>/reopen/", contacts.contact_reopen, name="contact_reopen"),
    # Client portal
    path("portal/", portal.portal_home, name="portal_home"),
    # -- outreach templates and drafts (clients/views/outreach.py) --
    # -- CSV import (clients/views/imports.py) --
    # -- invitations (clients/views/invitations.py) --
]
