"""A practice's library of outreach templates: its admins keep it, every coach of the practice
and their clients draft from it, coaches copy it, and nobody outside the practice sees it."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from clients import outreach
from clients.models import OutreachTemplate
from tests.factories import (
    CoachFactory,
    ContactFactory,
    OutreachTemplateFactory,
    PortalClientFactory,
)

pytestmark = pytest.mark.django_db


def url(name, **kwargs):
    return reverse(f"clients:{name}", kwargs=kwargs)


@pytest.fixture
def library_template(team):
    return OutreachTemplateFactory(
        owner=None,
        practice=team,
        name="Northside: alumni note",
        subject="A fellow Northside client",
        body="Hello {contact_first_name}, could we talk about {company}?",
    )


@pytest.fixture
def as_user(client):
    def log_in(user):
        client.force_login(user)
        return client

    return log_in


def draft_url(contact, template=None):
    query = f"?template={template.pk}" if template else ""
    return url("contact_draft", contact_pk=contact.pk) + query


# -- creating ---------------------------------------------------------------------------------


def test_an_admin_writes_a_template_for_everyone_and_a_coach_drafts_from_it(
    as_user, team, team_admin, team_coach
):
    admin = as_user(team_admin)
    assert "Everyone at Northside Careers" in admin.get(url("outreach_template_create")).text
    response = admin.post(
        url("outreach_template_create"),
        {
            "name": "Career fair follow-up",
            "subject": "We met at the fair",
            "body": "Hi {contact_first_name}, thank you for your time at {company}.",
            "audience": "practice",
        },
    )

    template = OutreachTemplate.objects.get(name="Career fair follow-up")
    assert (template.practice, template.owner) == (team, None)
    assert response.url == url("outreach_template_list")

    coach = as_user(team_coach)
    listing = coach.get(url("outreach_template_list"))
    assert listing.context["practice_templates"] == [template]
    assert "Northside Careers library" in listing.text
    assert url("outreach_template_edit", template_pk=template.pk) not in listing.text

    contact = ContactFactory(
        client=PortalClientFactory(coach=team_coach), name="Sam Rivera", company__name="Acme"
    )
    draft = coach.get(draft_url(contact, template))
    assert draft.status_code == 200
    assert draft.context["body"] == "Hi Sam, thank you for your time at Acme."
    assert "Practice</span>" in draft.text


def test_the_client_of_a_practice_coach_drafts_from_the_practice_library(
    client, team_coach, library_template
):
    portal = PortalClientFactory(coach=team_coach)
    contact = ContactFactory(client=portal, name="Sam Rivera", company__name="Acme")
    client.force_login(portal.user)

    draft = client.get(draft_url(contact, library_template))

    assert draft.status_code == 200
    assert draft.context["body"] == "Hello Sam, could we talk about Acme?"
    assert "From your coach's practice" in draft.text


def test_a_coach_who_is_not_an_admin_only_writes_templates_of_their_own(as_user, team_coach):
    coach = as_user(team_coach)

    assert "Who can use it" not in coach.get(url("outreach_template_create")).text
    coach.post(
        url("outreach_template_create"),
        {"name": "Sneaky", "subject": "", "body": "Hi", "audience": "practice"},
    )
    assert OutreachTemplate.objects.get(name="Sneaky").owner == team_coach


def test_a_practice_template_with_a_bad_placeholder_is_refused_and_keeps_the_choice(
    as_user, team_admin
):
    response = as_user(team_admin).post(
        url("outreach_template_create"),
        {"name": "Draft", "subject": "", "body": "About {compnay}", "audience": "practice"},
    )

    assert response.status_code == 200
    assert "Unknown placeholder: {compnay}." in response.text
    assert response.context["form"]["audience"].value() == "practice"
    assert "About {compnay}" in response.text
    assert not OutreachTemplate.objects.filter(name="Draft").exists()


def test_a_template_belongs_to_a_coach_or_a_practice_never_both_or_neither(team, team_admin):
    with pytest.raises(ValidationError):
        outreach.outreach_template_create(
            owner=team_admin, practice=team, name="Both", subject="", body="Hi"
        )
    with pytest.raises(ValidationError):
        outreach.outreach_template_create(name="Neither", subject="", body="Hi")


# -- using, copying, changing -----------------------------------------------------------------


def test_a_coach_copies_a_practice_template_into_one_of_their_own(
    as_user, team_coach, library_template
):
    coach = as_user(team_coach)

    response = coach.post(url("outreach_template_copy", template_pk=library_template.pk))

    copy = OutreachTemplate.objects.get(owner=team_coach)
    assert response.url == url("outreach_template_edit", template_pk=copy.pk)
    assert (copy.name, copy.subject, copy.body, copy.practice) == (
        "Copy of Northside: alumni note",
        library_template.subject,
        library_template.body,
        None,
    )


@pytest.mark.parametrize(
    "view",
    ["outreach_template_edit", "outreach_template_delete", "outreach_template_move_to_practice"],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_coach_of_the_practice_cannot_change_its_templates(
    as_user, team_coach, library_template, view, method
):
    coach = as_user(team_coach)

    response = getattr(coach, method)(
        url(view, template_pk=library_template.pk), {"name": "Mine now", "body": "Hi"}
    )

    assert response.status_code == 404
    library_template.refresh_from_db()  # still there, unchanged, and still the practice's
    assert (library_template.name, library_template.owner) == ("Northside: alumni note", None)


def test_an_admin_edits_a_practice_template_and_deletes_it_after_a_confirmation(
    as_user, team_admin, library_template
):
    admin = as_user(team_admin)
    edit_url = url("outreach_template_edit", template_pk=library_template.pk)
    assert "your changes reach all of them" in admin.get(edit_url).text

    admin.post(edit_url, {"name": "Alumni note", "subject": "", "body": "Hi {contact_name}"})
    library_template.refresh_from_db()
    assert (library_template.name, library_template.body) == ("Alumni note", "Hi {contact_name}")

    delete_url = url("outreach_template_delete", template_pk=library_template.pk)
    confirm = admin.get(delete_url)
    assert "leaves the Northside Careers library" in confirm.text
    assert OutreachTemplate.objects.filter(pk=library_template.pk).exists()
    admin.post(delete_url)
    assert not OutreachTemplate.objects.filter(pk=library_template.pk).exists()


def test_a_coach_of_another_practice_neither_sees_nor_drafts_from_a_practice_template(
    client, library_template
):
    outsider = CoachFactory(name="Daniel Reyes")  # the admin of a practice of their own
    contact = ContactFactory(client=PortalClientFactory(coach=outsider))
    client.force_login(outsider)

    listing = client.get(url("outreach_template_list"))
    assert "Northside: alumni note" not in listing.text
    assert client.get(draft_url(contact, library_template)).status_code == 404
    assert "Northside: alumni note" not in client.get(draft_url(contact)).text
    copy_url = url("outreach_template_copy", template_pk=library_template.pk)
    assert client.post(copy_url).status_code == 404
    assert not OutreachTemplate.objects.filter(owner=outsider).exists()
    for view in ("outreach_template_edit", "outreach_template_delete"):
        assert client.get(url(view, template_pk=library_template.pk)).status_code == 404


# -- moving an own template into the library ------------------------------------------------


def test_an_admin_moves_their_own_template_into_the_library_after_a_confirmation(
    as_user, team, team_admin, team_coach
):
    template = OutreachTemplateFactory(owner=team_admin, name="Ines: warm intro")
    admin = as_user(team_admin)
    move_url = url("outreach_template_move_to_practice", template_pk=template.pk)
    assert move_url in admin.get(url("outreach_template_list")).text

    confirm = admin.get(move_url)
    assert "Move “Ines: warm intro” to the Northside Careers library?" in confirm.text
    assert OutreachTemplate.objects.get(pk=template.pk).owner == team_admin

    response = admin.post(move_url)

    assert response.url == url("outreach_template_list")
    template.refresh_from_db()
    assert (template.owner, template.practice) == (None, team)
    listing = as_user(team_coach).get(url("outreach_template_list"))
    assert listing.context["practice_templates"] == [template]


def test_a_coach_who_is_not_an_admin_cannot_move_a_template_into_the_library(as_user, team_coach):
    template = OutreachTemplateFactory(owner=team_coach)
    coach = as_user(team_coach)
    move_url = url("outreach_template_move_to_practice", template_pk=template.pk)

    assert move_url not in coach.get(url("outreach_template_list")).text
    assert coach.get(move_url).status_code == 404
    assert coach.post(move_url).status_code == 404
    assert OutreachTemplate.objects.get(pk=template.pk).owner == team_coach


def test_only_a_coachs_own_template_moves_into_a_library(team, library_template):
    builtin = OutreachTemplate.objects.filter(owner=None, practice=None).first()

    with pytest.raises(ValidationError):
        outreach.outreach_template_move_to_practice(template=library_template, practice=team)
    with pytest.raises(ValidationError):
        outreach.outreach_template_move_to_practice(template=builtin, practice=team)


# -- what the list shows --------------------------------------------------------------------


def test_a_solo_coach_sees_the_practice_library_only_once_it_holds_something(coach_client, coach):
    practice = coach.membership.practice
    assert f"{practice.name} library" not in coach_client.get(url("outreach_template_list")).text

    OutreachTemplateFactory(owner=None, practice=practice, name="Shared later")
    page = coach_client.get(url("outreach_template_list"))

    assert f"{practice.name} library" in page.text
    assert [t.name for t in page.context["practice_templates"]] == ["Shared later"]


def test_the_list_shows_built_ins_then_the_library_then_the_coachs_own_with_empty_states(
    as_user, team_coach, team_admin, library_template
):
    empty = as_user(team_coach).get(url("outreach_template_list")).text
    assert "You have no templates of your own yet" in empty

    OutreachTemplateFactory(owner=team_coach, name="Tom: own note")
    page = as_user(team_coach).get(url("outreach_template_list")).text

    assert (
        page.index("Built-in templates")
        < page.index("Northside: alumni note")
        < page.index("Tom: own note")
    )
    library_template.delete()
    assert "The library is empty" in as_user(team_admin).get(url("outreach_template_list")).text


# Session, user, the templates with their rights; the practice's members only when its library
# is empty.
TEMPLATE_LIST_QUERIES = 4


@pytest.mark.parametrize("n_templates", [1, 20])
def test_the_template_list_query_count_is_flat(
    as_user, team, team_coach, django_assert_max_num_queries, n_templates
):
    for _ in range(n_templates):
        OutreachTemplateFactory(owner=None, practice=team)
        OutreachTemplateFactory(owner=team_coach)
    coach = as_user(team_coach)

    with django_assert_max_num_queries(TEMPLATE_LIST_QUERIES):
        page = coach.get(url("outreach_template_list"))

    assert len(page.context["practice_templates"]) == n_templates
