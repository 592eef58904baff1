from django.urls import path

from .views import caseload, companies, contacts, imports, invitations, outreach

app_name = "clients"

# URL keyword names say which object they load (client_pk, company_pk, contact_pk, ...): the
# access test in tests/test_access.py builds every URL from them for another coach and client.
urlpatterns = [
    # Coach: home and caseload
    path("clients/", caseload.caseload, name="caseload"),
    path("clients/new/", caseload.client_create, name="client_create"),
    path("clients/<int:client_pk>/", caseload.client_detail, name="client_detail"),
    path("clients/<int:client_pk>/edit/", caseload.client_edit, name="client_edit"),
    path("clients/<int:client_pk>/archive/", caseload.client_archive, name="client_archive"),
    path("clients/<int:client_pk>/unarchive/", caseload.client_unarchive, name="client_unarchive"),
    path("clients/<int:client_pk>/erase/", caseload.client_erase, name="client_erase"),
    path(
        "clients/<int:client_pk>/email-works-again/",
        caseload.client_email_works_again,
        name="client_email_works_again",
    ),
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
    path(
        "contacts/<int:contact_pk>/opportunities/",
        contacts.contact_opportunity_add,
        name="contact_opportunity_add",
    ),
    path(
        "opportunities/<int:opportunity_pk>/delete/",
        contacts.opportunity_delete,
        name="opportunity_delete",
    ),
    # -- outreach templates and drafts (clients/views/outreach.py) --
    path("outreach/templates/", outreach.outreach_template_list, name="outreach_template_list"),
    path(
        "outreach/templates/new/",
        outreach.outreach_template_create,
        name="outreach_template_create",
    ),
    path(
        "outreach/templates/<int:template_pk>/edit/",
        outreach.outreach_template_edit,
        name="outreach_template_edit",
    ),
    path(
        "outreach/templates/<int:template_pk>/copy/",
        outreach.outreach_template_copy,
        name="outreach_template_copy",
    ),
    path(
        "outreach/templates/<int:template_pk>/delete/",
        outreach.outreach_template_delete,
        name="outreach_template_delete",
    ),
    path(
        "outreach/templates/<int:template_pk>/move-to-practice/",
        outreach.outreach_template_move_to_practice,
        name="outreach_template_move_to_practice",
    ),
    path("contacts/<int:contact_pk>/draft/", outreach.contact_draft, name="contact_draft"),
    # -- CSV import (clients/views/imports.py) --
    path("clients/<int:client_pk>/import/", imports.import_upload, name="import_upload"),
    path(
        "clients/<int:client_pk>/import/template.csv",
        imports.import_template,
        name="import_template",
    ),
    path(
        "clients/<int:client_pk>/import/<int:import_pk>/",
        imports.import_preview,
        name="import_preview",
    ),
    path(
        "clients/<int:client_pk>/import/<int:import_pk>/confirm/",
        imports.import_confirm,
        name="import_confirm",
    ),
    path(
        "clients/<int:client_pk>/import/<int:import_pk>/cancel/",
        imports.import_cancel,
        name="import_cancel",
    ),
    # -- invitations (clients/views/invitations.py) --
    path(
        "clients/<int:client_pk>/invitation/",
        invitations.invitation_send,
        name="invitation_send",
    ),
    path(
        "clients/<int:client_pk>/invitation/revoke/",
        invitations.invitation_revoke,
        name="invitation_revoke",
    ),
    path("invitation/<str:token>/", invitations.invitation_accept, name="invitation_accept"),
]
