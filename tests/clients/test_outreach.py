from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from clients.models import OutreachTemplate
from clients.outreach import (
    PLACEHOLDERS,
    outreach_mailto_url,
    outreach_render,
    validate_template_text,
)
from tests.factories import (
    ClientFactory,
    CompanyFactory,
    ContactFactory,
    OutreachTemplateFactory,
)

EVERY_PLACEHOLDER = " ".join("{" + name + "}" for name in PLACEHOLDERS)


@pytest.fixture
def contact(portal_client):
    return ContactFactory(
        client=portal_client,
        name="Sam Rivera",
        title="Head of Design",
        email="sam@studio.example",
        company=CompanyFactory(client=portal_client, name="Northwind Studio"),
    )


@pytest.fixture
def other_coach_template(other_coach):
    return OutreachTemplateFactory(owner=other_coach, name="Daniel's private note")


def builtins():
    return OutreachTemplate.objects.filter(owner__isnull=True)


# -- rendering and validation ---------------------------------------------------------------


@pytest.mark.django_db
def test_rendering_fills_every_placeholder_from_the_contact_company_client_and_coach(
    contact, coach
):
    contact.client.target_roles = "Product design"
    template = OutreachTemplateFactory(
        owner=coach, subject="Hi {contact_first_name} at {company}", body=EVERY_PLACEHOLDER
    )

    subject, body = outreach_render(template=template, contact=contact)

    assert subject == "Hi Sam at Northwind Studio"
    assert body == (
        "Sam Sam Rivera Head of Design Northwind Studio Priya Shah Priya Product design Maya Okafor"
    )


@pytest.mark.django_db
def test_a_contact_without_company_or_title_renders_with_sensible_words(coach):
    client = ClientFactory(coach=coach, name="Priya Shah", target_roles="")
    contact = ContactFactory(client=client, name="Sam", title="", company=None)
    template = OutreachTemplateFactory(
        owner=coach,
        subject="About {company}",
        body="Your work as {contact_title} at {company}; I'm exploring {target_roles}.",
    )

    subject, body = outreach_render(template=template, contact=contact)

    assert subject == "About your company"
    assert body == "Your work as your role at your company; I'm exploring a new field."


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hi {contact_first_name}, {nickname}!", "Hi Sam, {nickname}!"),
        ("Hi {contact_first_name} {", "Hi Sam {"),
        ("} {contact_first_name}", "} Sam"),
        ("{0} {} {company.__class__} {company!r} {company:>30}", None),
        ("Literal {{braces}} and {company}", "Literal {braces} and Northwind Studio"),
    ],
)
def test_rendering_never_raises_and_leaves_odd_braces_as_typed(contact, coach, text, expected):
    template = OutreachTemplateFactory(owner=coach, subject=text, body=text)

    subject, body = outreach_render(template=template, contact=contact)

    assert subject == body
    if expected is None:  # nothing but the plain known placeholders is ever evaluated
        assert body == text
    else:
        assert body == expected


def test_an_unknown_placeholder_is_named_and_the_allowed_ones_listed():
    with pytest.raises(ValidationError) as raised:
        validate_template_text("Hello {contact_first_name}, about {compnay} and {compnay}")

    message = raised.value.messages[0]
    assert message.startswith("Unknown placeholder: {compnay}.")
    assert all("{" + name + "}" in message for name in PLACEHOLDERS)


def test_several_unknown_placeholders_are_all_named():
    with pytest.raises(ValidationError, match=r"placeholders: \{first\}, \{company\.name\}"):
        validate_template_text("{first} {company.name}")


@pytest.mark.parametrize("text", ["Hello {contact_first_name", "Hello contact_first_name}"])
def test_unbalanced_braces_are_an_error(text):
    with pytest.raises(ValidationError, match="brace"):
        validate_template_text(text)


def test_unbalanced_braces_and_a_misspelt_placeholder_are_reported_together():
    with pytest.raises(ValidationError) as raised:
        validate_template_text("Hi {compnay} and {")

    first, second = raised.value.messages
    assert "brace" in first
    assert second.startswith("Unknown placeholder: {compnay}.")


def test_known_placeholders_and_doubled_braces_are_valid():
    validate_template_text(EVERY_PLACEHOLDER + " {{not a placeholder}}")


def test_the_mailto_link_carries_the_address_subject_and_body_with_crlf_line_breaks():
    url = outreach_mailto_url(to="sam@studio.example", subject="A chat?", body="Hi Sam,\n\nThanks")

    parts = urlsplit(url)
    assert parts.scheme == "mailto"
    assert parts.path == "sam@studio.example"
    assert "+" not in parts.query
    assert parse_qs(parts.query) == {"subject": ["A chat?"], "body": ["Hi Sam,\r\n\r\nThanks"]}


# -- built-in templates -----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_migrations_install_three_builtin_templates_that_ask_for_a_short_conversation():
    names = set(builtins().values_list("name", flat=True))

    assert names == {
        "Email: first request for a short conversation",
        "LinkedIn: connection note",
        "Email: one follow-up after a week",
    }
    for template in builtins():
        validate_template_text(template.subject)
        validate_template_text(template.body)
        assert "20" in template.body
    first_contacts = builtins().exclude(name__contains="follow-up")
    assert all("not asking" in template.body for template in first_contacts)


@pytest.mark.django_db
def test_the_builtin_linkedin_note_fits_linkedins_300_characters_with_long_names(coach):
    client = ClientFactory(
        coach=coach, name="Christopher Montgomery", target_roles="product and service design"
    )
    contact = ContactFactory(
        client=client,
        name="Alexandra Fitzgerald-Whitmore",
        company=CompanyFactory(client=client, name="Johnson & Johnson Innovation"),
    )
    note = builtins().get(name="LinkedIn: connection note")

    subject, body = outreach_render(template=note, contact=contact)

    assert subject == ""
    assert len(body) <= 300


# -- template management (coach) --------------------------------------------------------------


@pytest.mark.django_db
def test_the_list_shows_the_builtins_and_an_empty_state_for_the_coachs_own(coach_client):
    response = coach_client.get(reverse("clients:outreach_template_list"))

    assert response.status_code == 200
    assert len(response.context["builtin_templates"]) == 3
    assert response.context["own_templates"] == []
    assert "no templates of your own yet" in response.text


@pytest.mark.django_db
def test_the_list_shows_the_coachs_own_templates_and_not_another_coachs(
    coach_client, coach, other_coach_template
):
    own = OutreachTemplateFactory(owner=coach, name="Alumni: first email")

    response = coach_client.get(reverse("clients:outreach_template_list"))

    assert response.context["own_templates"] == [own]
    assert "Alumni: first email" in response.text
    assert other_coach_template.name not in response.text


@pytest.mark.django_db
def test_a_client_cannot_reach_the_template_pages(client, portal_client):
    client.force_login(portal_client.user)

    assert client.get(reverse("clients:outreach_template_list")).status_code == 404
    assert client.get(reverse("clients:outreach_template_create")).status_code == 404


@pytest.mark.django_db
def test_a_coach_creates_a_template_and_the_form_lists_the_placeholders(coach_client, coach):
    url = reverse("clients:outreach_template_create")

    page = coach_client.get(url)
    response = coach_client.post(
        url,
        {"name": "Alumni", "subject": "Fellow alum at {company}", "body": "Hi {contact_name}"},
    )

    assert all(description in page.text for description in ["{contact_first_name}", "{company}"])
    assert response.status_code == 302
    assert response.url == reverse("clients:outreach_template_list")
    template = OutreachTemplate.objects.get(owner=coach)
    assert (template.name, template.subject, template.body) == (
        "Alumni",
        "Fellow alum at {company}",
        "Hi {contact_name}",
    )


@pytest.mark.django_db
def test_an_unknown_placeholder_in_the_form_is_an_error_naming_it_and_keeps_what_was_typed(
    coach_client, coach
):
    typed = "Hello {contact_first_name}, I'd love to hear about {compnay}."

    response = coach_client.post(
        reverse("clients:outreach_template_create"),
        {"name": "Draft", "subject": "About {company}", "body": typed},
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert "Unknown placeholder: {compnay}." in form.errors["body"][0]
    assert "subject" not in form.errors
    assert form["body"].value() == typed
    assert "Unknown placeholder: {compnay}." in response.text
    assert "hear about {compnay}." in response.text
    assert not OutreachTemplate.objects.filter(owner=coach).exists()


@pytest.mark.django_db
def test_a_coach_edits_their_own_template(coach_client, coach):
    template = OutreachTemplateFactory(owner=coach, name="Old name")
    url = reverse("clients:outreach_template_edit", kwargs={"template_pk": template.pk})

    response = coach_client.post(url, {"name": "New name", "subject": "", "body": "Hi {company}"})

    assert response.status_code == 302
    template.refresh_from_db()
    assert (template.name, template.subject, template.body) == ("New name", "", "Hi {company}")


@pytest.mark.django_db
def test_a_coach_deletes_their_own_template_after_a_confirmation_page(coach_client, coach):
    template = OutreachTemplateFactory(owner=coach, name="Old habit")
    url = reverse("clients:outreach_template_delete", kwargs={"template_pk": template.pk})

    confirmation = coach_client.get(url)
    response = coach_client.post(url)

    assert confirmation.status_code == 200
    assert "Delete “Old habit”?" in confirmation.text
    assert OutreachTemplate.objects.filter(pk=template.pk).exists() is False
    assert response.url == reverse("clients:outreach_template_list")


@pytest.mark.django_db
@pytest.mark.parametrize("view", ["outreach_template_edit", "outreach_template_delete"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_builtin_template_cannot_be_edited_or_deleted(coach_client, view, method):
    builtin = builtins().first()
    url = reverse(f"clients:{view}", kwargs={"template_pk": builtin.pk})

    response = getattr(coach_client, method)(url, {"name": "Mine now", "body": "Hi"})

    assert response.status_code == 404
    builtin.refresh_from_db()
    assert builtin.name != "Mine now"
    assert builtins().count() == 3


@pytest.mark.django_db
def test_a_builtin_template_is_copied_into_an_editable_copy_owned_by_the_coach(coach_client, coach):
    builtin = builtins().get(name="LinkedIn: connection note")

    response = coach_client.post(
        reverse("clients:outreach_template_copy", kwargs={"template_pk": builtin.pk})
    )

    copy = OutreachTemplate.objects.get(owner=coach)
    edit_url = reverse("clients:outreach_template_edit", kwargs={"template_pk": copy.pk})
    assert response.url == edit_url
    assert copy.name == "Copy of LinkedIn: connection note"
    assert (copy.subject, copy.body) == (builtin.subject, builtin.body)
    assert coach_client.get(edit_url).status_code == 200


@pytest.mark.django_db
def test_copying_needs_a_post(coach_client):
    builtin = builtins().first()

    response = coach_client.get(
        reverse("clients:outreach_template_copy", kwargs={"template_pk": builtin.pk})
    )

    assert response.status_code == 405
    assert builtins().count() == OutreachTemplate.objects.count()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "view",
    [
        "outreach_template_edit",
        "outreach_template_copy",
        "outreach_template_delete",
        "outreach_template_move_to_practice",
    ],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_another_coachs_template_is_a_404(coach_client, other_coach_template, view, method):
    url = reverse(f"clients:{view}", kwargs={"template_pk": other_coach_template.pk})

    response = getattr(coach_client, method)(url, {"name": "Taken", "body": "Hi"})

    assert response.status_code == 404
    other_coach_template.refresh_from_db()
    assert other_coach_template.name == "Daniel's private note"
    assert OutreachTemplate.objects.exclude(owner=None).count() == 1


# -- drafts -----------------------------------------------------------------------------------


def draft_url(contact, template=None):
    url = reverse("clients:contact_draft", kwargs={"contact_pk": contact.pk})
    return f"{url}?template={template.pk}" if template else url


@pytest.mark.django_db
def test_the_coach_sees_a_draft_from_the_first_email_template_by_default(
    coach_client, contact, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6):
        response = coach_client.get(draft_url(contact))

    assert response.status_code == 200
    assert response.context["selected"].name == "Email: first request for a short conversation"
    assert response.context["subject"] == "Could I learn from your experience at Northwind Studio?"
    body = response.context["body"]
    assert body.startswith("Hello Sam,")
    assert body.endswith("Priya Shah")
    assert 'id="draft-body"' in response.text
    assert "readonly" in response.text
    assert "data-copy-target" in response.text
    assert response.context["mailto_url"].startswith("mailto:sam@studio.example?subject=")


@pytest.mark.django_db
def test_the_client_drafts_from_a_template_their_coach_wrote(client, portal_client, contact, coach):
    own = OutreachTemplateFactory(
        owner=coach, name="Alumni", subject="", body="Hi {contact_first_name}, fellow alum here."
    )
    client.force_login(portal_client.user)

    response = client.get(draft_url(contact, own))

    assert response.status_code == 200
    assert own in response.context["templates"]
    assert response.context["body"] == "Hi Sam, fellow alum here."
    assert "Hi Sam, fellow alum here." in response.text


@pytest.mark.django_db
def test_a_contact_without_email_gets_no_mailto_link(coach_client, portal_client):
    contact = ContactFactory(client=portal_client, email="", company=None, title="")

    response = coach_client.get(draft_url(contact))

    assert response.status_code == 200
    assert "mailto_url" not in response.context
    assert "mailto:" not in response.text.replace(f"mailto:{portal_client.coach.email}", "")
    assert "your company" in response.context["body"]


@pytest.mark.django_db
def test_the_draft_is_a_404_for_another_coach(client, other_coach, contact):
    client.force_login(other_coach)

    assert client.get(draft_url(contact)).status_code == 404


@pytest.mark.django_db
def test_the_draft_is_a_404_for_another_client(client, other_portal_client, contact):
    client.force_login(other_portal_client.user)

    assert client.get(draft_url(contact)).status_code == 404


@pytest.mark.django_db
def test_another_coachs_template_cannot_be_used_for_a_draft(
    coach_client, contact, other_coach_template
):
    response = coach_client.get(draft_url(contact, other_coach_template))

    assert response.status_code == 404


@pytest.mark.django_db
def test_the_draft_page_asks_anonymous_visitors_to_log_in(client, contact):
    response = client.get(draft_url(contact))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
