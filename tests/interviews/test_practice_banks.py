"""A practice's library of question banks: its admins keep it, every coach of the practice uses
it and copies from it, and nobody outside the practice sees it."""

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from interviews import services
from interviews.models import QuestionBank
from tests.factories import ClientFactory, CoachFactory, QuestionBankFactory, QuestionFactory

pytestmark = pytest.mark.django_db


def url(name, **kwargs):
    return reverse(f"interviews:{name}", kwargs=kwargs)


def texts(bank):
    return list(bank.questions.order_by("position").values_list("text", flat=True))


@pytest.fixture
def library_bank(team):
    bank = QuestionBankFactory(owner=None, practice=team, name="Northside: tech switchers")
    for text in ("What did your first year look like?", "Which skill mattered most?"):
        QuestionFactory(bank=bank, text=text)
    return bank


@pytest.fixture
def as_user(client):
    def log_in(user):
        client.force_login(user)
        return client

    return log_in


# -- creating ---------------------------------------------------------------------------------


def test_an_admin_creates_a_bank_for_everyone_and_a_coach_of_the_practice_uses_it_for_a_client(
    as_user, team, team_admin, team_coach
):
    admin = as_user(team_admin)
    response = admin.post(
        url("bank_create"),
        {"name": "Moving into data", "description": "For analysts", "audience": "practice"},
    )

    bank = QuestionBank.objects.get(name="Moving into data")
    assert (bank.practice, bank.owner) == (team, None)
    assert response.url == url("bank_detail", bank_pk=bank.pk)
    assert "in the Northside Careers library" in admin.get(response.url).text

    coach = as_user(team_coach)
    listing = coach.get(url("bank_list"))
    assert listing.context["practice_banks"] == [bank]
    assert "Northside Careers library" in listing.text
    assert listing.context["own_banks"] == []

    client = ClientFactory(coach=team_coach)
    pool_page = coach.get(url("client_banks", client_pk=client.pk))
    assert f'value="{bank.pk}"' in pool_page.text
    saved = coach.post(url("client_banks", client_pk=client.pk), {"banks": [bank.pk]})
    assert saved.url == url("client_banks", client_pk=client.pk)
    assert list(client.question_banks.all()) == [bank]


def test_the_create_form_offers_the_practice_only_to_its_admins(as_user, team_admin, team_coach):
    assert "Everyone at Northside Careers" in as_user(team_admin).get(url("bank_create")).text

    coach = as_user(team_coach)
    assert "Who can use it" not in coach.get(url("bank_create")).text
    # A coach who posts the choice anyway gets a bank of their own.
    coach.post(url("bank_create"), {"name": "Sneaky", "audience": "practice"})
    assert QuestionBank.objects.get(name="Sneaky").owner == team_coach


def test_an_admin_who_leaves_the_choice_alone_creates_a_bank_of_their_own(as_user, team_admin):
    as_user(team_admin).post(url("bank_create"), {"name": "Mine", "audience": "me"})
    as_user(team_admin).post(url("bank_create"), {"name": "Also mine"})

    assert set(QuestionBank.objects.filter(owner=team_admin).values_list("name", flat=True)) == {
        "Mine",
        "Also mine",
    }


def test_a_practice_bank_without_a_name_is_refused_and_keeps_the_choice(as_user, team_admin):
    response = as_user(team_admin).post(
        url("bank_create"), {"name": "", "description": "Keep me", "audience": "practice"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert "Keep me" in response.text
    assert response.context["form"]["audience"].value() == "practice"
    assert 'id="id_audience_1" checked' in response.text  # "Everyone at Northside Careers"
    assert not QuestionBank.objects.filter(description="Keep me").exists()


# -- using and copying ----------------------------------------------------------------------


def test_a_coach_reads_a_practice_bank_without_edit_controls_and_copies_it(
    as_user, team_coach, library_bank
):
    coach = as_user(team_coach)

    page = coach.get(url("bank_detail", bank_pk=library_bank.pk))
    assert page.status_code == 200
    assert "Which skill mattered most?" in page.text
    assert "Copy to edit" in page.text
    assert url("bank_edit", bank_pk=library_bank.pk) not in page.text
    assert url("question_create", bank_pk=library_bank.pk) not in page.text
    assert "Move up" not in page.text
    listing = coach.get(url("bank_list")).text
    assert url("bank_edit", bank_pk=library_bank.pk) not in listing

    response = coach.post(url("bank_copy", bank_pk=library_bank.pk))

    copy = QuestionBank.objects.get(owner=team_coach)
    assert response.url == url("bank_detail", bank_pk=copy.pk)
    assert (copy.name, copy.copied_from, copy.practice) == (
        "Copy of Northside: tech switchers",
        library_bank,
        None,
    )
    assert texts(copy) == texts(library_bank)
    assert coach.get(url("bank_edit", bank_pk=copy.pk)).status_code == 200


@pytest.mark.parametrize(
    ("name", "loads"),
    [
        ("bank_edit", "bank"),
        ("bank_archive", "bank"),
        ("bank_unarchive", "bank"),
        ("bank_move_to_practice", "bank"),
        ("bank_reorder", "bank"),
        ("question_create", "bank"),
        ("question_edit", "question"),
        ("question_delete", "question"),
        ("question_move", "question"),
    ],
)
def test_a_coach_of_the_practice_cannot_change_its_banks(
    as_user, team_coach, library_bank, name, loads
):
    question = library_bank.questions.first()
    kwargs = {"bank_pk": library_bank.pk} if loads == "bank" else {"question_pk": question.pk}
    if name == "question_move":
        kwargs["direction"] = "down"
    coach = as_user(team_coach)
    before = texts(library_bank)

    get = coach.get(url(name, **kwargs))
    post = coach.post(url(name, **kwargs), {"name": "Mine now", "text": "New?", "category": "role"})

    assert get.status_code in (404, 405)  # 405: a POST-only URL, answered alike to everyone
    assert post.status_code == 404
    library_bank.refresh_from_db()
    assert (library_bank.name, library_bank.archived_at, texts(library_bank)) == (
        "Northside: tech switchers",
        None,
        before,
    )


def test_a_coach_of_another_practice_neither_sees_nor_uses_a_practice_bank(client, library_bank):
    outsider = CoachFactory(name="Daniel Reyes")  # the admin of a practice of their own
    outsiders_client = ClientFactory(coach=outsider)
    client.force_login(outsider)

    assert "Northside: tech switchers" not in client.get(url("bank_list")).text
    assert client.get(url("bank_detail", bank_pk=library_bank.pk)).status_code == 404
    assert client.post(url("bank_copy", bank_pk=library_bank.pk)).status_code == 404
    assert client.get(url("bank_edit", bank_pk=library_bank.pk)).status_code == 404
    pool_page = client.get(url("client_banks", client_pk=outsiders_client.pk))
    assert f'value="{library_bank.pk}"' not in pool_page.text
    refused = client.post(
        url("client_banks", client_pk=outsiders_client.pk), {"banks": [library_bank.pk]}
    )
    assert refused.context["form"].errors["banks"]
    assert not outsiders_client.question_banks.exists()
    assert not QuestionBank.objects.filter(owner=outsider).exists()


def test_the_services_keep_a_practice_bank_inside_its_practice(library_bank, team_coach):
    outsider = CoachFactory()

    with pytest.raises(ValidationError):
        services.banks_assign(client=ClientFactory(coach=outsider), banks=[library_bank])
    with pytest.raises(PermissionDenied):
        services.bank_copy(bank=library_bank, owner=outsider)
    services.banks_assign(client=ClientFactory(coach=team_coach), banks=[library_bank])
    assert services.bank_copy(bank=library_bank, owner=team_coach).owner == team_coach


def test_a_bank_belongs_to_a_coach_or_a_practice_never_both_or_neither(team, team_admin):
    with pytest.raises(PermissionDenied):
        services.bank_create(owner=team_admin, practice=team, name="Both")
    with pytest.raises(PermissionDenied):
        services.bank_create(name="Neither")
    assert services.bank_create(practice=team, name="Shared").practice == team


# -- the admin keeps the library ------------------------------------------------------------


def test_an_admin_changes_a_practice_banks_questions_and_name(as_user, team_admin, library_bank):
    admin = as_user(team_admin)
    first, second = library_bank.questions.order_by("position")

    page = admin.get(url("bank_detail", bank_pk=library_bank.pk))
    assert url("question_create", bank_pk=library_bank.pk) in page.text
    assert "your changes reach all of them" in page.text
    admin.post(url("bank_edit", bank_pk=library_bank.pk), {"name": "Tech switchers"})
    admin.post(
        url("question_create", bank_pk=library_bank.pk), {"text": "Why?", "category": "role"}
    )
    admin.post(url("question_move", question_pk=second.pk, direction="up"))
    admin.post(
        url("bank_reorder", bank_pk=library_bank.pk),
        json.dumps({"question_ids": list(library_bank.questions.values_list("pk", flat=True))}),
        content_type="application/json",
    )
    admin.post(url("question_delete", question_pk=first.pk))

    library_bank.refresh_from_db()
    assert library_bank.name == "Tech switchers"
    assert sorted(texts(library_bank)) == ["Which skill mattered most?", "Why?"]


def test_an_archived_practice_bank_leaves_every_pool_and_only_admins_see_it_archived(
    as_user, team_admin, team_coach, library_bank
):
    client = ClientFactory(coach=team_coach, name="Priya Shah")
    services.banks_assign(client=client, banks=[library_bank])
    admin = as_user(team_admin)

    confirm = admin.get(url("bank_archive", bank_pk=library_bank.pk))
    assert "leaves the Northside Careers library" in confirm.text
    assert "Priya Shah" in confirm.text
    admin.post(url("bank_archive", bank_pk=library_bank.pk))

    library_bank.refresh_from_db()
    assert library_bank.is_archived
    assert not client.question_banks.exists()
    assert admin.get(url("bank_list") + "?archived=1").context["practice_banks"] == [library_bank]

    coach = as_user(team_coach)
    assert coach.get(url("bank_list")).context["practice_banks"] == []
    assert coach.get(url("bank_list") + "?archived=1").context["practice_banks"] == []
    pool_page = coach.get(url("client_banks", client_pk=client.pk))
    assert f'value="{library_bank.pk}"' not in pool_page.text

    as_user(team_admin).post(url("bank_unarchive", bank_pk=library_bank.pk))
    assert as_user(team_coach).get(url("bank_list")).context["practice_banks"] == [library_bank]


# -- moving an own bank into the library ----------------------------------------------------


def test_an_admin_moves_their_own_bank_into_the_library_after_a_confirmation(
    as_user, team, team_admin, team_coach
):
    bank = QuestionBankFactory(owner=team_admin, name="Ines: favourites")
    QuestionFactory(bank=bank, text="What would you do differently?")
    admins_client = ClientFactory(coach=team_admin)
    services.banks_assign(client=admins_client, banks=[bank])
    admin = as_user(team_admin)
    move_url = url("bank_move_to_practice", bank_pk=bank.pk)
    assert move_url in admin.get(url("bank_detail", bank_pk=bank.pk)).text

    confirm = admin.get(move_url)
    assert "Move “Ines: favourites” to the Northside Careers library?" in confirm.text
    assert QuestionBank.objects.get(pk=bank.pk).owner == team_admin

    response = admin.post(move_url)

    assert response.url == url("bank_detail", bank_pk=bank.pk)
    bank.refresh_from_db()
    assert (bank.owner, bank.practice) == (None, team)
    assert list(admins_client.question_banks.all()) == [bank]
    assert as_user(team_coach).get(url("bank_list")).context["practice_banks"] == [bank]


def test_a_coach_who_is_not_an_admin_cannot_move_a_bank_into_the_library(as_user, team_coach):
    bank = QuestionBankFactory(owner=team_coach)
    coach = as_user(team_coach)
    move_url = url("bank_move_to_practice", bank_pk=bank.pk)

    assert move_url not in coach.get(url("bank_detail", bank_pk=bank.pk)).text
    assert coach.get(move_url).status_code == 404
    assert coach.post(move_url).status_code == 404
    assert QuestionBank.objects.get(pk=bank.pk).owner == team_coach


def test_a_practice_bank_is_not_moved_again_and_a_builtin_never(team, library_bank):
    builtin = QuestionBank.objects.filter(owner=None, practice=None).first()

    with pytest.raises(PermissionDenied):
        services.bank_move_to_practice(bank=library_bank, practice=team)
    with pytest.raises(PermissionDenied):
        services.bank_move_to_practice(bank=builtin, practice=team)


# -- what the list shows --------------------------------------------------------------------


def test_a_solo_coach_sees_the_practice_library_only_once_it_holds_something(coach_client, coach):
    assert "library" not in coach_client.get(url("bank_list")).text.lower()

    practice = coach.membership.practice
    QuestionBankFactory(owner=None, practice=practice, name="Shared later")
    page = coach_client.get(url("bank_list"))

    assert f"{practice.name} library" in page.text
    assert [bank.name for bank in page.context["practice_banks"]] == ["Shared later"]


def test_a_coach_of_a_team_sees_the_empty_library_with_a_word_on_who_fills_it(
    as_user, team_coach, team_admin
):
    coach_page = as_user(team_coach).get(url("bank_list")).text
    admin_page = as_user(team_admin).get(url("bank_list")).text

    assert "Northside Careers library" in coach_page
    assert "your practice's admins add the banks" in coach_page
    assert "Create a bank</a> for everyone at Northside Careers" in admin_page


def test_the_bank_list_shows_built_ins_then_the_library_then_the_coachs_own(
    as_user, team_coach, library_bank
):
    QuestionBankFactory(owner=team_coach, name="Tom: own bank")

    page = as_user(team_coach).get(url("bank_list")).text

    assert (
        page.index("Informational interview essentials")
        < page.index("Northside: tech switchers")
        < page.index("Tom: own bank")
    )


# Session, user, the banks with their counts and rights; the practice's members only when its
# library is empty.
BANK_LIST_QUERIES = 4


@pytest.mark.parametrize("n_banks", [1, 20])
def test_the_bank_list_query_count_is_flat(
    as_user, team, team_coach, django_assert_max_num_queries, n_banks
):
    for _ in range(n_banks):
        QuestionFactory(bank=QuestionBankFactory(owner=None, practice=team))
        QuestionBankFactory(owner=team_coach)
    coach = as_user(team_coach)

    with django_assert_max_num_queries(BANK_LIST_QUERIES):
        page = coach.get(url("bank_list"))

    assert len(page.context["practice_banks"]) == n_banks
