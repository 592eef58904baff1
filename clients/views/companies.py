from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from .. import selectors, services
from ..access import get_client, get_company
from ..forms import CompanyForm
from ..models import Company


@login_required
def company_list(request, client_pk):
    client = get_client(request.user, client_pk)
    sort = request.GET.get("sort", "lamp")
    if sort not in selectors.COMPANY_SORTS:
        sort = "lamp"
    return render(
        request,
        "clients/company_list.html",
        {
            "client": client,
            "companies": selectors.companies_for_list(client, sort=sort),
            "sort": sort,
        },
    )


@login_required
def company_create(request, client_pk):
    client = get_client(request.user, client_pk)
    form = CompanyForm(request.POST or None, instance=Company(client=client))
    if request.method == "POST" and form.is_valid():
        try:
            company = services.company_save(company=form.instance)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{company.name} added to the company list.")
            return redirect("clients:company_list", client_pk=client.pk)
    return render(request, "clients/company_form.html", {"form": form, "client": client})


@login_required
def company_edit(request, company_pk):
    company = get_company(request.user, company_pk)
    form = CompanyForm(request.POST or None, instance=company)
    if request.method == "POST" and form.is_valid():
        try:
            services.company_save(company=form.instance)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{company.name} saved.")
            return redirect("clients:company_list", client_pk=company.client_id)
    return render(
        request,
        "clients/company_form.html",
        {"form": form, "client": company.client, "company": company},
    )


@login_required
def company_delete(request, company_pk):
    company = get_company(request.user, company_pk)
    if request.method == "POST":
        services.company_delete(company=company)
        messages.success(
            request, f"{company.name} removed. Its contacts are kept, without a company."
        )
        return redirect("clients:company_list", client_pk=company.client_id)
    return render(
        request,
        "clients/company_confirm_delete.html",
        {"company": company, "client": company.client, "n_contacts": company.contacts.count()},
    )
