from django.urls import path

app_name = "interviews"

# URL keyword names say which object they load (interview_pk, bank_pk, question_pk, ...); the
# access test in tests/test_access.py builds every URL from them for another coach and client.
urlpatterns = [
    # -- interviews, prep pages and debriefs (interviews/views/interviews.py) --
    # -- question banks (interviews/views/banks.py) --
    # -- calendar files and feeds (interviews/views/calendar.py) --
]
