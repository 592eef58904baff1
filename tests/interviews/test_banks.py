"""Question banks: the built-in ones, a coach's own, and the banks in a client's pool."""

import importlib
import json
import re

import pytest
from django.apps import apps as global_apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from interviews import services
from interviews.models import Question, QuestionBank
from tests.factories import ClientFactory, QuestionBankFactory, QuestionFactory

pytestmark = pytest.mark.django_db

builtin_migration = importlib.import_module("interviews.migrations.0002_builtin_question_banks")


def builtins():
    return QuestionBank.objects.filter(owner__isnull=True)


def essentials():
    return builtins().get(name="Informational interview essentials")


def texts(bank):
    return list(bank.questions.order_by("position").values_list("text", flat=True))


def positions(bank):
    return list(bank.questions.order_by("position").values_list("position", flat=True))


@pytest.fixture
def bank(coach):
    bank = QuestionBankFactory(owner=coach, name="Moving into UX")
    for text in ("First?", "Second?", "Third?"):
        QuestionFactory(bank=bank, text=text)
    return bank


@pytest.fixture
def other_coach_bank(other_coach):
    bank = QuestionBankFactory(owner=other_coach, name="Daniel's private bank")
    QuestionFactory(bank=bank, text="Daniel's question?")
    return bank


def bank_checkboxes(html) -> dict[int, bool]:
    """The bank checkboxes on the pool page: {bank pk: checked}."""
    return {
        int(pk): bool(checked)
        for pk, checked in re.findall(r'name="banks" value="(\d+)"[^>]*?( checked)?>', html)
    }


def url(name, **kwargs):
    return reverse(f"interviews:{name}", kwargs=kwargs)


# -- built-in banks -------------------------------------------------------------------------


def test_the_builtin_banks_exist_after_migrations_with_questions_in_all_seven_categories():
    bank = essentials()

    categories = set(bank.questions.values_list("category", flat=True))
    assert categories == {c.value for c in Question.Category} - {Question.Category.OTHER}
    assert 30 <= bank.questions.count() <= 40
    assert builtins().count() >= 2
    for builtin in builtins():
        assert positions(builtin) == list(range(builtin.questions.count()))


def test_the_builtin_banks_migration_reverses_and_reapplies_cleanly():
    n_questions = Question.objects.filter(bank__owner__isnull=True).count()

    builtin_migration.delete_builtin_banks(global_apps, None)
    assert not builtins().exists()
    assert not Question.objects.filter(bank__owner__isnull=True).exists()

    builtin_migration.create_builtin_banks(global_apps, None)
    builtin_migration.create_builtin_banks(global_apps, None)  # twice: no duplicates
    assert builtins().count() == len(builtin_migration.BUILTIN_BANKS)
    assert Question.objects.filter(bank__owner__isnull=True).count() == n_questions


def test_a_builtin_bank_shows_its_questions_and_a_copy_button_but_no_edit_controls(coach_client):
    bank = essentials()

    page = coach_client.get(url("bank_detail", bank_pk=bank.pk))

    assert page.status_code == 200
    assert bank.questions.first().text in page.text
    assert "Copy to edit" in page.text
    assert "Move up" not in page.text
    assert url("question_create", bank_pk=bank.pk) not in page.text


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("bank_edit", "get"),
        ("bank_edit", "post"),
        ("bank_archive", "get"),
        ("bank_archive", "post"),
        ("bank_unarchive", "post"),
        ("bank_reorder", "post"),
        ("question_create", "post"),
    ],
)
def test_a_builtin_bank_cannot_be_changed(coach_client, name, method):
    bank = essentials()
    before = texts(bank)

    response = getattr(coach_client, method)(
        url(name, bank_pk=bank.pk), {"name": "Mine now", "text": "New?", "category": "role"}
    )

    assert response.status_code == 404
    bank.refresh_from_db()
    assert (bank.name, bank.archived_at, texts(bank)) == (
        "Informational interview essentials",
        None,
        before,
    )


@pytest.mark.parametrize(
    ("name", "extra"),
    [("question_edit", {}), ("question_delete", {}), ("question_move", {"direction": "down"})],
)
def test_a_builtin_question_cannot_be_changed(coach_client, name, extra):
    question = essentials().questions.first()

    response = coach_client.post(
        url(name, question_pk=question.pk, **extra), {"text": "Changed?", "category": "role"}
    )

    assert response.status_code == 404
    question.refresh_from_db()
    assert question.position == 0
    assert question.text != "Changed?"


def test_the_services_refuse_to_write_to_a_builtin_bank():
    bank = essentials()
    question = bank.questions.first()

    with pytest.raises(PermissionDenied):
        services.bank_update(bank=bank, name="Mine")
    with pytest.raises(PermissionDenied):
        services.bank_set_archived(bank=bank, archived=True)
    with pytest.raises(PermissionDenied):
        services.question_add(bank=bank, text="New?", category="role")
    with pytest.raises(PermissionDenied):
        services.question_move(question=question, direction="down")
    with pytest.raises(PermissionDenied):
        services.question_delete(question=question)
    with pytest.raises(PermissionDenied):
        services.bank_create(owner=None, name="Sneaky built-in")
    assert Question.objects.filter(pk=question.pk, position=0).exists()


def test_a_coach_copies_a_builtin_bank_and_the_copy_keeps_the_question_order(coach_client, coach):
    bank = essentials()

    response = coach_client.post(url("bank_copy", bank_pk=bank.pk))

    copy = QuestionBank.objects.get(owner=coach)
    assert response.url == url("bank_detail", bank_pk=copy.pk)
    assert copy.name == "Copy of Informational interview essentials"
    assert copy.copied_from == bank
    assert texts(copy) == texts(bank)
    assert list(copy.questions.values_list("category", flat=True)) == list(
        bank.questions.values_list("category", flat=True)
    )
    assert positions(copy) == list(range(len(texts(bank))))
    assert builtins().get(pk=bank.pk).questions.count() == len(texts(bank))


def test_copying_needs_a_post(coach_client, coach):
    response = coach_client.get(url("bank_copy", bank_pk=essentials().pk))

    assert response.status_code == 405
    assert not QuestionBank.objects.filter(owner=coach).exists()


# -- the coach's own banks ------------------------------------------------------------------


def test_the_bank_list_shows_builtin_banks_then_the_coachs_own(coach_client, bank):
    page = coach_client.get(url("bank_list"))

    assert page.status_code == 200
    assert page.text.index("Informational interview essentials") < page.text.index("Moving into UX")
    assert "3 questions" in page.text


def test_the_bank_list_has_an_empty_state_for_a_coach_without_banks(coach_client):
    page = coach_client.get(url("bank_list"))

    assert "You have no banks of your own yet" in page.text


def test_a_coach_creates_a_bank_and_lands_on_its_page(coach_client, coach):
    response = coach_client.post(
        url("bank_create"), {"name": "Nonprofit roles", "description": "For the NGO switchers."}
    )

    bank = QuestionBank.objects.get(owner=coach)
    assert response.url == url("bank_detail", bank_pk=bank.pk)
    assert (bank.name, bank.description) == ("Nonprofit roles", "For the NGO switchers.")
    assert "No questions yet" in coach_client.get(response.url).text


def test_a_bank_without_a_name_is_refused_and_keeps_the_description(coach_client, coach):
    response = coach_client.post(url("bank_create"), {"name": "", "description": "Keep me"})

    assert response.status_code == 200
    assert "This field is required." in response.context["form"].errors["name"]
    assert "Keep me" in response.text
    assert not QuestionBank.objects.filter(owner=coach).exists()


def test_a_coach_renames_their_bank(coach_client, bank):
    response = coach_client.post(
        url("bank_edit", bank_pk=bank.pk), {"name": "UX research", "description": "New"}
    )

    assert response.url == url("bank_detail", bank_pk=bank.pk)
    bank.refresh_from_db()
    assert (bank.name, bank.description) == ("UX research", "New")


def test_a_coach_adds_a_question_at_the_end_of_the_bank(coach_client, bank):
    response = coach_client.post(
        url("question_create", bank_pk=bank.pk),
        {"text": "  Which tools   do you use daily? ", "category": "skills"},
    )

    question = bank.questions.get(text="Which tools do you use daily?")
    assert response.url == url("bank_detail", bank_pk=bank.pk) + f"#question-{question.pk}"
    assert (question.position, question.category) == (3, "skills")
    assert texts(bank)[-1] == "Which tools do you use daily?"


def test_an_empty_question_is_refused_and_the_page_keeps_what_was_typed(coach_client, bank):
    response = coach_client.post(
        url("question_create", bank_pk=bank.pk), {"text": "   ", "category": "industry"}
    )

    assert response.status_code == 200
    assert "This field is required." in response.context["question_form"].errors["text"]
    assert '<option value="industry" selected>' in response.text
    assert "First?" in response.text  # still the bank page, with its questions
    assert bank.questions.count() == 3


def test_a_too_long_question_is_refused_and_the_text_stays_in_the_form(coach_client, bank):
    typed = "Why " + "really " * 60 + "?"

    response = coach_client.post(
        url("question_create", bank_pk=bank.pk), {"text": typed, "category": "role"}
    )

    assert response.status_code == 200
    assert response.context["question_form"].errors["text"]
    assert typed in response.text
    assert bank.questions.count() == 3


def test_a_coach_edits_a_question(coach_client, bank):
    question = bank.questions.get(text="Second?")

    page = coach_client.get(url("question_edit", question_pk=question.pk))
    response = coach_client.post(
        url("question_edit", question_pk=question.pk),
        {"text": "What would you change about your role?", "category": "advice"},
    )

    assert "Second?" in page.text
    assert response.url == url("bank_detail", bank_pk=bank.pk) + f"#question-{question.pk}"
    question.refresh_from_db()
    assert (question.text, question.category, question.position) == (
        "What would you change about your role?",
        "advice",
        1,
    )


def test_removing_a_question_asks_first_then_closes_the_gap(coach_client, bank):
    question = bank.questions.get(text="First?")

    confirm = coach_client.get(url("question_delete", question_pk=question.pk))
    assert "Remove the question" in confirm.text
    assert bank.questions.count() == 3

    response = coach_client.post(url("question_delete", question_pk=question.pk))

    assert response.url == url("bank_detail", bank_pk=bank.pk)
    assert texts(bank) == ["Second?", "Third?"]
    assert positions(bank) == [0, 1]


@pytest.mark.parametrize(
    ("text", "direction", "expected"),
    [
        ("Second?", "up", ["Second?", "First?", "Third?"]),
        ("Second?", "down", ["First?", "Third?", "Second?"]),
        ("First?", "up", ["First?", "Second?", "Third?"]),  # already at the top: no change
        ("Third?", "down", ["First?", "Second?", "Third?"]),  # already at the bottom
    ],
)
def test_the_move_buttons_work_without_javascript(coach_client, bank, text, direction, expected):
    question = bank.questions.get(text=text)
    move_url = url("question_move", question_pk=question.pk, direction=direction)
    assert f'action="{move_url}"' in coach_client.get(url("bank_detail", bank_pk=bank.pk)).text

    response = coach_client.post(move_url)

    assert response.status_code == 302
    assert response.url == url("bank_detail", bank_pk=bank.pk) + f"#question-{question.pk}"
    assert texts(bank) == expected
    assert positions(bank) == [0, 1, 2]


def test_the_move_buttons_are_labelled_with_their_question(coach_client, bank):
    page = coach_client.get(url("bank_detail", bank_pk=bank.pk)).text

    assert '<span class="visually-hidden">Move up: Second?</span>' in page
    assert '<span class="visually-hidden">Move down: Second?</span>' in page


def test_a_move_in_an_unknown_direction_is_a_404(coach_client, bank):
    question = bank.questions.get(text="Second?")

    response = coach_client.post(url("question_move", question_pk=question.pk, direction="left"))

    assert response.status_code == 404
    assert texts(bank) == ["First?", "Second?", "Third?"]


def test_moves_tidy_up_positions_that_were_out_of_step(coach, bank):
    # Rows written outside the services (the admin, an old import) may have gaps or ties.
    Question.objects.filter(bank=bank).update(position=7)
    second = bank.questions.get(text="Second?")

    services.question_move(question=second, direction="up")

    assert texts(bank) == ["Second?", "First?", "Third?"]
    assert positions(bank) == [0, 1, 2]


def test_a_drag_and_drop_order_is_saved_from_json(coach_client, bank):
    first, second, third = bank.questions.order_by("position")

    response = coach_client.post(
        url("bank_reorder", bank_pk=bank.pk),
        json.dumps({"question_ids": [third.pk, first.pk, second.pk]}),
        content_type="application/json",
    )

    assert response.status_code == 200
    assert response.json() == {"ok": True}
    assert texts(bank) == ["Third?", "First?", "Second?"]


def test_a_new_order_can_also_come_as_form_data(coach_client, bank):
    first, second, third = bank.questions.order_by("position")

    response = coach_client.post(
        url("bank_reorder", bank_pk=bank.pk), {"question_ids": [second.pk, third.pk, first.pk]}
    )

    assert response.url == url("bank_detail", bank_pk=bank.pk)
    assert texts(bank) == ["Second?", "Third?", "First?"]


@pytest.mark.parametrize(
    "order",
    [
        pytest.param(lambda ids, other: ids[:2], id="one missing"),
        pytest.param(lambda ids, other: [*ids, ids[0]], id="one twice"),
        pytest.param(lambda ids, other: [ids[0], ids[0], ids[1]], id="swapped for a repeat"),
        pytest.param(lambda ids, other: [*ids, other], id="another bank's question"),
        pytest.param(lambda ids, other: [], id="empty"),
        pytest.param(lambda ids, other: "not a list", id="not a list"),
    ],
)
def test_a_reorder_with_a_wrong_list_of_ids_is_refused(
    coach_client, coach, bank, other_coach_bank, order
):
    ids = list(bank.questions.order_by("position").values_list("pk", flat=True))
    other = other_coach_bank.questions.get().pk

    response = coach_client.post(
        url("bank_reorder", bank_pk=bank.pk),
        json.dumps({"question_ids": order(ids, other)}),
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["error"]
    assert texts(bank) == ["First?", "Second?", "Third?"]


def test_a_reorder_that_is_not_json_is_refused(coach_client, bank):
    response = coach_client.post(
        url("bank_reorder", bank_pk=bank.pk), "[1, 2", content_type="application/json"
    )

    assert response.status_code == 400
    assert texts(bank) == ["First?", "Second?", "Third?"]


def test_the_reorder_service_refuses_a_list_that_is_not_exactly_the_banks_questions(bank):
    ids = list(bank.questions.values_list("pk", flat=True))

    with pytest.raises(ValidationError):
        services.question_reorder(bank=bank, question_ids=[ids[0], ids[0], ids[1]])
    with pytest.raises(ValidationError):
        services.question_reorder(bank=bank, question_ids=ids[:2])


def test_archiving_asks_first_hides_the_bank_and_takes_it_out_of_client_pools(
    coach_client, coach, bank
):
    client = ClientFactory(coach=coach, name="Priya Shah")
    services.banks_assign(client=client, banks=[bank])

    confirm = coach_client.get(url("bank_archive", bank_pk=bank.pk))
    assert "Priya Shah" in confirm.text
    assert not QuestionBank.objects.get(pk=bank.pk).is_archived

    response = coach_client.post(url("bank_archive", bank_pk=bank.pk))

    assert response.url == url("bank_list")
    bank.refresh_from_db()
    assert bank.is_archived
    assert not client.question_banks.exists()
    assert coach_client.get(url("bank_list")).context["own_banks"] == []
    assert coach_client.get(url("bank_list") + "?archived=1").context["own_banks"] == [bank]


def test_an_archived_bank_comes_back_with_unarchive(coach_client, bank):
    services.bank_set_archived(bank=bank, archived=True)

    response = coach_client.post(url("bank_unarchive", bank_pk=bank.pk))

    assert response.url == url("bank_detail", bank_pk=bank.pk)
    bank.refresh_from_db()
    assert not bank.is_archived


# -- a client's pool ------------------------------------------------------------------------


def test_the_pool_page_lists_active_usable_banks_with_the_current_pool_checked(
    coach_client, coach, bank, other_coach_bank
):
    client = ClientFactory(coach=coach)
    archived = QuestionBankFactory(owner=coach, name="Old bank")
    services.bank_set_archived(bank=archived, archived=True)
    services.banks_assign(client=client, banks=[bank])

    page = coach_client.get(url("client_banks", client_pk=client.pk))

    assert page.status_code == 200
    assert "Informational interview essentials" in page.text
    assert "Daniel's private bank" not in page.text
    assert "Old bank" not in page.text
    assert bank_checkboxes(page.text) == {
        essentials().pk: False,
        builtins().get(name="Career changers").pk: False,
        builtins().get(name="Questions about the company").pk: False,
        bank.pk: True,
    }


def test_assigning_banks_saves_exactly_the_checked_ones(coach_client, coach, bank):
    client = ClientFactory(coach=coach)
    services.banks_assign(client=client, banks=[bank])
    essentials_bank = essentials()
    changers = builtins().get(name="Career changers")

    response = coach_client.post(
        url("client_banks", client_pk=client.pk), {"banks": [essentials_bank.pk, changers.pk]}
    )

    assert response.url == url("client_banks", client_pk=client.pk)
    assert set(client.question_banks.all()) == {essentials_bank, changers}

    coach_client.post(url("client_banks", client_pk=client.pk), {})
    assert not client.question_banks.exists()


def test_another_coachs_bank_cannot_be_put_in_a_clients_pool(
    coach_client, coach, bank, other_coach_bank
):
    client = ClientFactory(coach=coach)
    services.banks_assign(client=client, banks=[bank])

    response = coach_client.post(
        url("client_banks", client_pk=client.pk), {"banks": [bank.pk, other_coach_bank.pk]}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["banks"]
    assert list(client.question_banks.all()) == [bank]
    with pytest.raises(ValidationError):
        services.banks_assign(client=client, banks=[other_coach_bank])
    assert list(client.question_banks.all()) == [bank]


def test_an_archived_bank_cannot_be_put_in_a_clients_pool(coach, bank):
    client = ClientFactory(coach=coach)
    services.bank_set_archived(bank=bank, archived=True)

    with pytest.raises(ValidationError):
        services.banks_assign(client=client, banks=[bank])
    assert not client.question_banks.exists()


def test_another_coachs_client_pool_is_a_404(coach_client, other_coach):
    client = ClientFactory(coach=other_coach)

    assert coach_client.get(url("client_banks", client_pk=client.pk)).status_code == 404
    response = coach_client.post(
        url("client_banks", client_pk=client.pk), {"banks": [essentials().pk]}
    )
    assert response.status_code == 404
    assert not client.question_banks.exists()


# -- another coach --------------------------------------------------------------------------

OWN_BANK_URLS = [
    ("bank_detail", "bank"),
    ("bank_edit", "bank"),
    ("bank_copy", "bank"),
    ("bank_archive", "bank"),
    ("bank_unarchive", "bank"),
    ("bank_move_to_practice", "bank"),
    ("bank_reorder", "bank"),
    ("question_create", "bank"),
    ("question_edit", "question"),
    ("question_delete", "question"),
    ("question_move", "question"),
]


@pytest.mark.parametrize(("name", "loads"), OWN_BANK_URLS)
def test_another_coach_gets_a_404_on_every_url_of_a_coachs_bank(
    client, other_coach, bank, name, loads
):
    question = bank.questions.get(text="First?")
    kwargs = {"bank_pk": bank.pk} if loads == "bank" else {"question_pk": question.pk}
    if name == "question_move":
        kwargs["direction"] = "down"
    client.force_login(other_coach)

    get = client.get(url(name, **kwargs))
    post = client.post(url(name, **kwargs), {"name": "Hijacked", "text": "Hi?", "category": "role"})

    assert get.status_code in (404, 405)  # 405: a POST-only URL, answered alike to everyone
    assert post.status_code == 404
    bank.refresh_from_db()
    assert (bank.name, bank.archived_at, texts(bank)) == (
        "Moving into UX",
        None,
        ["First?", "Second?", "Third?"],
    )
    assert not QuestionBank.objects.filter(owner=other_coach).exists()  # no copy either


# -- query counts ---------------------------------------------------------------------------

# Session, user, then the bank, its questions and the number of clients using it.
BANK_PAGE_QUERIES = 5


@pytest.mark.parametrize("n_questions", [10, 100])
def test_the_bank_page_query_count_is_flat(
    coach_client, coach, django_assert_max_num_queries, n_questions
):
    bank = QuestionBankFactory(owner=coach)
    Question.objects.bulk_create(
        Question(bank=bank, text=f"Question {i}?", category="role", position=i)
        for i in range(n_questions)
    )
    services.banks_assign(client=ClientFactory(coach=coach), banks=[bank])

    with django_assert_max_num_queries(BANK_PAGE_QUERIES):
        response = coach_client.get(url("bank_detail", bank_pk=bank.pk))

    assert response.status_code == 200
    assert len(response.context["questions"]) == n_questions


def test_a_co_coach_editing_the_pool_is_offered_the_clients_coachs_banks_not_their_own(
    client, coach, colleague, bank
):
    from clients.models import ClientShare

    record = ClientFactory(coach=coach)
    ClientShare.objects.create(client=record, coach=colleague)
    own = QuestionBankFactory(owner=colleague, name="Sofia's own bank")
    client.force_login(colleague)

    page = client.get(url("client_banks", client_pk=record.pk))
    assert bank.pk in bank_checkboxes(page.text)
    assert own.pk not in bank_checkboxes(page.text)

    response = client.post(url("client_banks", client_pk=record.pk), {"banks": [bank.pk]})
    assert response.status_code == 302
    assert list(record.question_banks.all()) == [bank]


def test_a_reassigned_clients_pool_keeps_the_former_coachs_bank_until_someone_unticks_it(
    coach_client, coach, colleague
):
    from clients import services as client_services

    record = ClientFactory(coach=colleague)
    former = QuestionBankFactory(owner=colleague, name="The former coach's bank")
    services.banks_assign(client=record, banks=[former])
    client_services.client_reassign(client=record, to_coach=coach, by=coach)
    record.refresh_from_db()

    page = coach_client.get(url("client_banks", client_pk=record.pk))
    assert bank_checkboxes(page.text)[former.pk] is True
    coach_client.post(
        url("client_banks", client_pk=record.pk), {"banks": [former.pk, essentials().pk]}
    )
    assert set(record.question_banks.all()) == {former, essentials()}

    coach_client.post(url("client_banks", client_pk=record.pk), {"banks": [essentials().pk]})
    assert list(record.question_banks.all()) == [essentials()]
    with pytest.raises(ValidationError):
        services.banks_assign(client=record, banks=[former])
