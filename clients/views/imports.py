"""CSV import of contacts: upload, preview, then confirm or cancel. The work is in
clients.imports; each view loads the client through clients.access and the import through that
client, so another coach gets a 404 on every URL."""

import csv

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from coachdesk.middleware import declared_body_size

from ..access import coach_required, get_client
from ..forms_import import ContactImportForm
from ..imports import (
    MAX_FILE_BYTES,
    TEMPLATE_COLUMNS,
    contact_import_cancel,
    contact_import_confirm,
    contact_import_preview,
    file_too_large,
)
from ..models import Contact

ROWS_SHOWN = 50
REJECTED_PAGE_SIZE = 100
TEMPLATE_EXAMPLE = [
    "Alex Example",
    "alex@example.com",
    "Northwind Analytics",
    "Head of Product",
    "https://www.linkedin.com/in/alex-example",
    "+44 20 7946 0000",
    "Alumni",
    "Same university; spoke at the 2023 alumni evening.",
]


def _load_import(request, client_pk, import_pk):
    client = get_client(request.user, client_pk)
    return client, get_object_or_404(client.imports, pk=import_pk)


# Above this, a body cannot be a file within MAX_FILE_BYTES plus a form's multipart wrapping.
MAX_UPLOAD_BODY_BYTES = MAX_FILE_BYTES + 64 * 1024


# The size check must come before the CSRF check, which reads the whole body to find its token:
# so CSRF is checked inside, once the body is known to be small enough (Django's documented
# pattern for views that act before the body is read).
@csrf_exempt
@coach_required
def import_upload(request, client_pk):
    client = get_client(request.user, client_pk)
    size = declared_body_size(request)
    if request.method == "POST" and size > MAX_UPLOAD_BODY_BYTES:
        form = ContactImportForm.refused(file_too_large(size))
        return render(request, "clients/import_upload.html", {"client": client, "form": form})
    return _import_upload(request, client)


@csrf_protect
def _import_upload(request, client):
    posted = request.method == "POST"
    form = ContactImportForm(request.POST, request.FILES) if posted else ContactImportForm()
    if posted and form.is_valid():
        try:
            contact_import = contact_import_preview(
                client=client, uploaded_file=form.cleaned_data["file"], by=request.user
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            return redirect(
                "clients:import_preview", client_pk=client.pk, import_pk=contact_import.pk
            )
    return render(request, "clients/import_upload.html", {"client": client, "form": form})


@coach_required
def import_template(request, client_pk):
    get_client(request.user, client_pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="coachdesk-contacts.csv"'
    # The byte order mark makes Excel open the file as UTF-8, so accents survive.
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(TEMPLATE_COLUMNS)
    writer.writerow(TEMPLATE_EXAMPLE)
    return response


@coach_required
def import_preview(request, client_pk, import_pk):
    client, contact_import = _load_import(request, client_pk, import_pk)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    rejected_page = Paginator(contact_import.rejected, REJECTED_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "clients/import_preview.html",
        {
            "client": client,
            "contact_import": contact_import,
            "rows_shown": [
                {**row, "source_label": Contact.Source(row["source"]).label}
                for row in contact_import.rows[:ROWS_SHOWN]
            ],
            "rows_not_shown": max(len(contact_import.rows) - ROWS_SHOWN, 0),
            "page": rejected_page,
        },
    )


@coach_required
def import_confirm(request, client_pk, import_pk):
    client, contact_import = _load_import(request, client_pk, import_pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        count = contact_import_confirm(contact_import=contact_import, by=request.user)
    except ValidationError as error:
        # "finished" is the second click of a double click: the first one did the work.
        level = messages.INFO if error.code == "finished" else messages.ERROR
        messages.add_message(request, level, " ".join(error.messages))
        return redirect("clients:import_preview", client_pk=client.pk, import_pk=contact_import.pk)
    skipped = len(contact_import.rejected)
    summary = f"Imported {count:,} contact{pluralize(count)}"
    if skipped:
        summary += f"; {skipped:,} row{pluralize(skipped)} skipped"
    messages.success(request, f"{summary}.")
    return redirect("clients:contact_list", client_pk=client.pk)


@coach_required
def import_cancel(request, client_pk, import_pk):
    client, contact_import = _load_import(request, client_pk, import_pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        contact_import_cancel(contact_import=contact_import)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("clients:import_preview", client_pk=client.pk, import_pk=contact_import.pk)
    messages.info(request, "Import cancelled; no contacts were added. You can upload a new file.")
    return redirect("clients:import_upload", client_pk=client.pk)
