from django.urls import path

from .views import banks, calendar, debriefs, interviews

app_name = "interviews"

# URL keyword names say which object they load (interview_pk, bank_pk, question_pk, ...); the
# access test in tests/test_access.py builds every URL from them for another coach and client.
urlpatterns = [
    # -- interviews, prep pages and debriefs (interviews/views/interviews.py) --
    path("clients/<int:client_pk>/interviews/", interviews.interview_list, name="interview_list"),
    path(
        "clients/<int:client_pk>/interviews/new/",
        interviews.interview_schedule,
        name="interview_schedule",
    ),
    path("interviews/<int:interview_pk>/", interviews.interview_detail, name="interview_detail"),
    path("interviews/<int:interview_pk>/edit/", interviews.interview_edit, name="interview_edit"),
    path(
        "interviews/<int:interview_pk>/status/<str:action>/",
        interviews.interview_set_status,
        name="interview_set_status",
    ),
    path(
        "interviews/<int:interview_pk>/prep/",
        interviews.interview_prep_save,
        name="interview_prep_save",
    ),
    path(
        "interviews/<int:interview_pk>/checklist/",
        interviews.interview_checklist_save,
        name="interview_checklist_save",
    ),
    path(
        "interviews/<int:interview_pk>/notes/",
        interviews.interview_notes_save,
        name="interview_notes_save",
    ),
    path(
        "interviews/<int:interview_pk>/questions/",
        interviews.interview_questions,
        name="interview_questions",
    ),
    path(
        "interviews/<int:interview_pk>/questions/add/",
        interviews.interview_question_add,
        name="interview_question_add",
    ),
    path(
        "interview-questions/<int:chosen_pk>/move/<str:direction>/",
        interviews.interview_question_move,
        name="interview_question_move",
    ),
    path(
        "interview-questions/<int:chosen_pk>/remove/",
        interviews.interview_question_remove,
        name="interview_question_remove",
    ),
    # -- question banks (interviews/views/banks.py) --
    path("banks/", banks.bank_list, name="bank_list"),
    path("banks/new/", banks.bank_create, name="bank_create"),
    path("banks/<int:bank_pk>/", banks.bank_detail, name="bank_detail"),
    path("banks/<int:bank_pk>/edit/", banks.bank_edit, name="bank_edit"),
    path("banks/<int:bank_pk>/copy/", banks.bank_copy, name="bank_copy"),
    path("banks/<int:bank_pk>/archive/", banks.bank_archive, name="bank_archive"),
    path("banks/<int:bank_pk>/unarchive/", banks.bank_unarchive, name="bank_unarchive"),
    path(
        "banks/<int:bank_pk>/move-to-practice/",
        banks.bank_move_to_practice,
        name="bank_move_to_practice",
    ),
    path("banks/<int:bank_pk>/reorder/", banks.bank_reorder, name="bank_reorder"),
    path("banks/<int:bank_pk>/questions/new/", banks.question_create, name="question_create"),
    path("questions/<int:question_pk>/edit/", banks.question_edit, name="question_edit"),
    path("questions/<int:question_pk>/delete/", banks.question_delete, name="question_delete"),
    path(
        "questions/<int:question_pk>/move/<str:direction>/",
        banks.question_move,
        name="question_move",
    ),
    path("clients/<int:client_pk>/question-banks/", banks.client_banks, name="client_banks"),
    # -- calendar files and feeds (interviews/views/calendar.py) --
    path(
        "interviews/<int:interview_pk>/calendar.ics",
        calendar.interview_ics,
        name="interview_ics",
    ),
    path(
        "clients/<int:client_pk>/calendar-feed/",
        calendar.calendar_feed_manage,
        name="calendar_feed_manage",
    ),
    path("calendar/<str:token>.ics", calendar.calendar_feed, name="calendar_feed"),
    # -- debriefs (interviews/views/debriefs.py) --
    path("interviews/<int:interview_pk>/debrief/", debriefs.debrief_edit, name="debrief_edit"),
    path(
        "interviews/<int:interview_pk>/thank-you/",
        debriefs.thank_you_sent,
        name="thank_you_sent",
    ),
]
