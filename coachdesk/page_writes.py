"""Whose cached pages a write drops (the page cache's PAGE_CACHE_AUDIENCE, pagecache/pages.py).

Most writes drop the pages of everyone who shares the writer's caseload: the whole practice and
its portal clients (clients.access.users_sharing_caseload). That is always enough, and more than
needed for the writes users make all day: a checklist ticked, an outreach logged, an action
item done. Those change one client's records and nothing else, so only the people who can see
that client need fresh pages: their coach and co-coaches, the practice's admins and viewers,
and the client's own login (clients.access.audience_of_clients). A colleague's caseload and
another client's portal stay cached.

ONE_CLIENT_WRITES lists those views, with the URL keyword that names the record written and the
model it loads. A view belongs here only if every write it can make is to that record's client
and none changes which people can see that client (a reassignment, a share, an archive or an
erase is not here). The client is read before the view runs, so a deletion finds it too.
tests/coachdesk/test_page_writes.py holds each entry to its URL and the audience to the access
rules.
"""

from clients.access import audience_of_clients
from clients.models import Client, Company, Contact
from goals.models import ActionItem
from interviews.models import Interview, InterviewQuestion

ONE_CLIENT_WRITES = {
    # The prep page
    "interviews:interview_prep_save": ("interview_pk", Interview),
    "interviews:interview_checklist_save": ("interview_pk", Interview),
    "interviews:interview_notes_save": ("interview_pk", Interview),
    "interviews:interview_questions": ("interview_pk", Interview),
    "interviews:interview_question_add": ("interview_pk", Interview),
    "interviews:interview_question_move": ("chosen_pk", InterviewQuestion),
    "interviews:interview_question_remove": ("chosen_pk", InterviewQuestion),
    "interviews:interview_set_status": ("interview_pk", Interview),
    "interviews:interview_edit": ("interview_pk", Interview),
    "interviews:interview_schedule": ("client_pk", Client),
    "interviews:debrief_edit": ("interview_pk", Interview),
    "interviews:thank_you_sent": ("interview_pk", Interview),
    # Contacts and companies
    "clients:contact_create": ("client_pk", Client),
    "clients:contact_edit": ("contact_pk", Contact),
    "clients:contact_log_touch": ("contact_pk", Contact),
    "clients:contact_close": ("contact_pk", Contact),
    "clients:contact_reopen": ("contact_pk", Contact),
    "clients:company_create": ("client_pk", Client),
    "clients:company_edit": ("company_pk", Company),
    "clients:company_delete": ("company_pk", Company),
    # Goals
    "goals:action_item_create": ("client_pk", Client),
    "goals:action_item_edit": ("action_item_pk", ActionItem),
    "goals:action_item_delete": ("action_item_pk", ActionItem),
    "goals:action_item_complete": ("action_item_pk", ActionItem),
    "goals:action_item_reopen": ("action_item_pk", ActionItem),
    "goals:targets_edit": ("client_pk", Client),
}


def client_written(view_name: str, kwargs: dict) -> int | None:
    """The client a one-client write changes, or None when the view is not one of them or its
    record does not exist (the view will answer 404 and write nothing)."""
    entry = ONE_CLIENT_WRITES.get(view_name)
    if entry is None:
        return None
    kwarg, model = entry
    if model is Client:
        return kwargs[kwarg]
    # The model's own lookup to its client, the one visible_to scopes by.
    rows = model.objects.filter(pk=kwargs[kwarg])
    return rows.values_list(f"{rows.client_path}_id", flat=True).first()


def users_a_write_may_change(request, view_name: str, kwargs: dict) -> list[int] | None:
    """PAGE_CACHE_NARROW_AUDIENCE, asked before the view runs: the users whose pages this write
    can change when it is a one-client write, else None (then the page cache drops the pages of
    PAGE_CACHE_AUDIENCE, asked after the write)."""
    if not request.user.is_authenticated or request.user.is_staff:
        return None
    client_id = client_written(view_name, kwargs)
    return None if client_id is None else audience_of_clients([client_id])
