"""Who may see and change what: the one home of the access rules.

- A client (portal login) sees and changes their own record and everything under it.
- A coach sees and changes their caseload: the clients they coach and those shared with them.
- A practice admin sees and changes every client of the practice (clients whose coach is a
  member), and manages the practice's coaches, libraries and reassignments.
- A practice viewer reads every client and figure of the practice and changes nothing: every
  unsafe request of theirs is refused (clients.middleware.ReadOnlyViewerMiddleware).

Every view gets its objects through these helpers, so anything else is a 404, never a 403 that
would confirm the object exists. The scoping itself is `client_scope` below, which
`VisibleToQuerySet.visible_to` on each model's manager applies along its path to `Client`. A
coach without a membership (made in the shell) is a coach of their own caseload.
"""

from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Value,
    When,
)
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import Membership, User

from .models import Client, ClientShare, Company, Contact

# The unsafe requests a viewer may still make: signing in and out, and their own account.
VIEWER_MAY_POST = frozenset(
    {
        "login",
        "login_code",
        "login_recovery",
        "logout",
        "password_change",
        "password_reset",
        "password_reset_confirm",
        "two_factor_setup",
        "two_factor_regenerate",
        "two_factor_disable",
    }
)


# --- Roles ----------------------------------------------------------------------------------


def membership_of(user) -> Membership | None:
    """The user's membership of a practice, active or not. The login backend reads it with the
    user (accounts.backends), so asking costs no query on a request."""
    if not (user.is_authenticated and user.is_coach):
        return None
    try:
        return user.membership
    except Membership.DoesNotExist:
        return None


def practice_of(user):
    """The practice whose caseloads and figures the user reads, or None."""
    membership = membership_of(user)
    return membership.practice if membership is not None and membership.is_active else None


def works_on_clients(user) -> bool:
    """A coach or practice admin: opens, changes and adds clients."""
    if not (user.is_authenticated and user.is_coach):
        return False
    membership = membership_of(user)
    return membership is None or membership.coaches


def is_viewer(user) -> bool:
    membership = membership_of(user)
    return membership is not None and membership.is_active and membership.is_viewer


def is_practice_admin(user) -> bool:
    membership = membership_of(user)
    return membership is not None and membership.is_admin


def reads_practice(user) -> bool:
    """Admins and viewers: the practice home, every caseload of the practice."""
    return is_practice_admin(user) or is_viewer(user)


def may_make_unsafe_request(user, view_name: str | None) -> bool:
    """Viewers read and change nothing; everyone else is scoped by the loaders below."""
    return not is_viewer(user) or view_name in VIEWER_MAY_POST


# --- Scopes ---------------------------------------------------------------------------------


def _path(prefix: str, lookup: str) -> str:
    return f"{prefix}__{lookup}" if prefix else lookup


def caseload_scope(user, prefix: str = "") -> Q:
    """A coach's caseload: clients they coach and clients shared with them."""
    shared = ClientShare.objects.filter(coach=user).values("client_id")
    return Q(**{_path(prefix, "coach"): user}) | Q(
        **{_path(prefix, "in") if prefix else "pk__in": shared}
    )


def client_scope(user, prefix: str = "") -> Q | None:
    """The clients a user may see, as a filter on the path `prefix` from a model to `Client`
    ("" for Client itself). None: nothing."""
    if not user.is_authenticated:
        return None
    if user.is_client:
        return Q(**{_path(prefix, "user"): user})
    membership = membership_of(user)
    if membership is None:
        return caseload_scope(user, prefix)
    if not membership.is_active:
        return None
    if membership.role in (Membership.Role.ADMIN, Membership.Role.VIEWER):
        return Q(**{_path(prefix, "coach__membership__practice_id"): membership.practice_id})
    return caseload_scope(user, prefix)


def library_scope(coach) -> Q:
    """What a coach may use from a library (outreach templates, question banks): the built-ins
    (no owner, no practice), their own, and their practice's."""
    practices = Membership.objects.filter(user=coach, deactivated_at__isnull=True).values(
        "practice_id"
    )
    return (
        Q(owner__isnull=True, practice__isnull=True) | Q(owner=coach) | Q(practice_id__in=practices)
    )


def practice_coaches(practice):
    """The users of a practice who can be given clients: its active admins and coaches."""
    return User.objects.filter(
        membership__practice=practice,
        membership__deactivated_at__isnull=True,
        membership__role__in=[Membership.Role.ADMIN, Membership.Role.COACH],
        is_active=True,
    ).order_by("name")


EVERYONE = "all"


def caseload_to_list(user, whose: str = ""):
    """The clients a caseload page lists, and which list it is: "" for the user's own caseload
    (their clients and those shared with them), EVERYONE for the whole practice, or a coach's
    id as text. Only admins and viewers choose; a viewer, who has no caseload, starts with the
    whole practice. An unknown choice falls back to the default."""
    if not reads_practice(user):
        return Client.objects.caseload_of(user), ""
    practice_clients = Client.objects.visible_to(user)
    if whose.isdigit() and practice_coaches_and_former(practice_of(user)).filter(pk=whose).exists():
        # That coach's caseload as their own page lists it: their clients and those shared
        # with them (the practice home's row counts the same).
        return practice_clients.filter(caseload_scope(int(whose))), whose
    if whose == EVERYONE or is_viewer(user):
        return practice_clients, EVERYONE
    return Client.objects.caseload_of(user), ""


def practice_coaches_and_former(practice):
    """Everyone who has or had a caseload in the practice, deactivated coaches included (their
    archived clients stay with them until reassigned)."""
    return User.objects.filter(
        membership__practice=practice,
        membership__role__in=[Membership.Role.ADMIN, Membership.Role.COACH],
    ).order_by("name")


def users_sharing_caseload(user) -> list[int]:
    """Everyone whose pages may show what this user writes (the page cache's audience): the
    members of their practice (admins and viewers see every caseload; a coach may share a
    client with any other) and the portal logins of the practice's clients. For a client:
    themselves, their coach and co-coaches, and their practice's members."""
    if not user.is_authenticated:
        return []
    if user.is_client:
        client = Client.objects.filter(user=user).first()
        if client is None:
            return [user.pk]
        members = _members_around(client.coach_id)
        shared = ClientShare.objects.filter(client=client).values_list("coach_id", flat=True)
        return sorted({user.pk, client.coach_id, *members, *shared})
    return audience_of_coaches([user.pk])


def _members_around(coach_id) -> list[int]:
    practice = Membership.objects.filter(user_id=coach_id).values("practice_id")
    return list(
        Membership.objects.filter(practice_id__in=practice).values_list("user_id", flat=True)
    )


def audience_of_coaches(coach_ids) -> list[int]:
    """The users whose pages show these coaches' caseloads: the coaches, every member of their
    practices, and the portal logins of those practices' clients (and of the coaches' own
    clients, for a coach without a practice)."""
    coach_ids = set(coach_ids)
    practices = Membership.objects.filter(user_id__in=coach_ids).values("practice_id")
    members = set(
        Membership.objects.filter(practice_id__in=practices).values_list("user_id", flat=True)
    )
    members |= coach_ids
    shared_with = ClientShare.objects.filter(client__coach_id__in=members).values_list(
        "coach_id", flat=True
    )
    members |= set(shared_with)
    portal = Client.objects.filter(coach_id__in=members, user__isnull=False)
    return sorted(members | set(portal.values_list("user_id", flat=True)))


def audience_of_clients(client_ids) -> list[int]:
    """Everyone who can see these clients (client_scope read the other way), so whose pages
    may show what changed about them: each client's coach and co-coaches, the admins and
    viewers of the coach's practice, and the client's own login. Not the practice's other
    coaches, nor its other clients. For writes that know which clients they changed: a
    one-client write in a request (coachdesk/page_writes.py), the sweep, a logged email."""
    rows = list(Client.objects.filter(pk__in=client_ids).values_list("coach_id", "user_id"))
    coach_ids = {coach_id for coach_id, _user_id in rows}
    readers = Membership.objects.filter(
        practice_id__in=Membership.objects.filter(user_id__in=coach_ids).values("practice_id"),
        role__in=[Membership.Role.ADMIN, Membership.Role.VIEWER],
    ).values_list("user_id", flat=True)
    shared = ClientShare.objects.filter(client_id__in=client_ids).values_list("coach_id", flat=True)
    people = {pk for row in rows for pk in row if pk is not None}
    return sorted(people | set(readers) | set(shared))


def client_access_ended(client: Client) -> bool:
    """Archiving a client ends their access: no portal pages, no calendar feed. Their coach
    still sees everything, and unarchiving gives the access back."""
    return client.is_archived


def ended_coaching(user) -> Client | None:
    """The client record of a client login whose access has ended (clients.middleware logs them
    out), else None. Coaches and visitors cost no query."""
    if not (user.is_authenticated and user.is_client):
        return None
    client = _portal_client(user)
    return client if client is not None and client_access_ended(client) else None


def _portal_client(user) -> Client | None:
    """A client login's record with its coach, read once per request: the middleware's check,
    the view (client_profile_for) and the portal's navigation (`user.client_profile`) share it."""
    relation = Client.user.field.remote_field  # the reverse one-to-one, user.client_profile
    if not relation.is_cached(user):
        # get() rather than first(): every portal request, cached pages included, pays this
        # query, and get() leaves out the ORDER BY that first() compiles (about 1 ms a request
        # on the benchmark machine, bench/README.md). `user` is unique: at most one row.
        try:
            client = Client.objects.select_related("coach").get(user=user)
        except Client.DoesNotExist:
            client = None
        relation.set_cached_value(user, client)
    return relation.get_cached_value(user)


def require_coach(user) -> None:
    """A coach or practice admin (not a viewer), else 404."""
    if not works_on_clients(user):
        raise Http404


def require_member(user) -> None:
    """Anyone on the coach side: a coach, a practice admin or a viewer, else 404."""
    if not (user.is_authenticated and user.is_coach):
        raise Http404
    membership = membership_of(user)
    if membership is not None and not membership.is_active:
        raise Http404


def require_practice_reader(user) -> None:
    if not reads_practice(user):
        raise Http404


def require_practice_admin(user) -> None:
    if not is_practice_admin(user):
        raise Http404


def require_client(user) -> None:
    if not (user.is_authenticated and user.is_client):
        raise Http404


def _requires(check, view):
    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        check(request.user)
        return view(request, *args, **kwargs)

    return wrapped


def coach_required(view):
    """Logged in (else to the login page) and a coach or practice admin (else 404)."""
    return _requires(require_coach, view)


def member_required(view):
    """Logged in and on the coach side, viewers included: pages that read caseloads."""
    return _requires(require_member, view)


def practice_reader_required(view):
    """Logged in and an admin or viewer of a practice: the practice's pages."""
    return _requires(require_practice_reader, view)


def practice_admin_required(view):
    """Logged in and an admin of a practice: managing its coaches and libraries."""
    return _requires(require_practice_admin, view)


def client_required(view):
    """Logged in (else to the login page) and a client (else 404)."""

    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        require_client(request.user)
        return view(request, *args, **kwargs)

    return wrapped


def client_profile_for(user) -> Client:
    """The Client record a client user may see (their own), or 404."""
    require_client(user)
    client = _portal_client(user)
    if client is None:
        raise Http404
    return client


def get_client(user, pk) -> Client:
    """A client the user may see: a coach's own client, or a client's own record."""
    return get_object_or_404(Client.objects.visible_to(user).select_related("coach"), pk=pk)


def get_client_to_erase(user, pk) -> Client:
    """A client the user may erase: only their own coach (`Client.coach`) or an admin of their
    practice, archived or not. Erasing cannot be undone, so a co-coach, who may see the client,
    may not."""
    require_coach(user)
    clients = Client.objects.for_coach(user)
    if is_practice_admin(user):
        clients = Client.objects.filter(coach__membership__practice=practice_of(user))
    return get_object_or_404(clients, pk=pk)


def get_client_to_share(user, pk) -> Client:
    """Sharing a client with a co-coach: their coach, or an admin of the practice."""
    client = get_client_to_erase(user, pk)
    if membership_of(client.coach) is None:
        raise Http404  # a coach without a practice has no one to share with
    return client


def get_client_to_reassign(user, pk) -> Client:
    """Reassigning and sharing a client is the practice admin's."""
    require_practice_admin(user)
    return get_object_or_404(
        Client.objects.filter(coach__membership__practice=practice_of(user)).select_related(
            "coach"
        ),
        pk=pk,
    )


def get_client_to_export_all(user, pk) -> Client:
    """The all-data export (the data-rights copy, private coach notes included in the coach's
    copy) is for the client and those who work on them; a viewer reads the pages, not this."""
    if is_viewer(user):
        raise Http404
    return get_client(user, pk)


def get_company(user, pk) -> Company:
    return get_object_or_404(Company.objects.visible_to(user).select_related("client"), pk=pk)


def get_contact(user, pk) -> Contact:
    return get_object_or_404(
        Contact.objects.visible_to(user).select_related("client", "client__coach", "company"),
        pk=pk,
    )


# --- Practice team (practices app) ----------------------------------------------------------
# The team pages' objects: only an admin of the practice may open a member or an invitation,
# and only of their own practice; anyone else (another practice's admin included) gets 404.


def get_membership(user, pk) -> Membership:
    """A member of the admin's practice, active or deactivated."""
    require_practice_admin(user)
    members = practice_of(user).memberships.select_related("user", "practice")
    return get_object_or_404(members, pk=pk)


def get_practice_invitation(user, pk):
    """An invitation to the admin's practice (a PracticeInvitation), whatever its state."""
    require_practice_admin(user)
    invitations = practice_of(user).invitations.select_related("practice", "invited_by")
    return get_object_or_404(invitations, pk=pk)


def coaches_to_take_over(membership: Membership):
    """Who may be given a leaving member's clients: the practice's active admins and coaches,
    not the member themselves."""
    return practice_coaches(membership.practice).exclude(pk=membership.user_id)


# --- Sharing and reassigning a client (practices.client_views) ------------------------------
#
# Who may do it is decided by get_client_to_share and get_client_to_reassign above, and get_share
# below; the client page asks the same questions of a client it has loaded (ClientCoaches).


def practice_of_client(client: Client):
    """The practice of the client's coach, even one deactivated since (their clients wait
    there to be reassigned), or None for a coach without one."""
    membership = membership_of(client.coach)
    return membership.practice if membership is not None else None


def coaches_to_reassign_to(client: Client):
    """Who can become the client's coach: the practice's other active admins and coaches."""
    practice = practice_of_client(client)
    if practice is None:
        return User.objects.none()
    return practice_coaches(practice).exclude(pk=client.coach_id)


def coaches_to_share_with(client: Client):
    """Who can become a co-coach: the practice's active admins and coaches other than the
    client's coach and their co-coaches."""
    return coaches_to_reassign_to(client).exclude(
        pk__in=ClientShare.objects.filter(client=client).values("coach_id")
    )


def get_share(user, client_pk, pk) -> ClientShare:
    """A co-coach's share of a client the user may share (see get_client_to_share)."""
    require_coach(user)
    shares = ClientShare.objects.filter(
        client_id=client_pk, client__coach__membership__isnull=False
    )
    if is_practice_admin(user):
        shares = shares.filter(client__coach__membership__practice=practice_of(user))
    else:
        shares = shares.filter(client__coach=user)
    return get_object_or_404(shares.select_related("client", "client__coach", "coach"), pk=pk)


def may_share(user, client: Client) -> bool:
    """For a client the user may see (get_client): whether get_client_to_share lets them in
    too. Their own client if they are in a practice, or any client if they are its admin (an
    admin sees only the practice's clients), so nothing about the client's coach is read."""
    if membership_of(user) is None or not works_on_clients(user):
        return False
    return client.coach_id == user.pk or is_practice_admin(user)


def may_reassign(user, client: Client) -> bool:
    """For a client the user may see: whether get_client_to_reassign lets them in too."""
    return is_practice_admin(user)


@dataclass(frozen=True)
class ClientCoaches:
    """Who coaches a client, and which changes to that the user may make from the client page:
    an action shows only when the user may take it and there is a coach to take it to (so a
    solo coach, a practice of one, sees none)."""

    coach: User
    shares: list[ClientShare]  # the co-coaches, by name
    may_unshare: bool
    may_share: bool
    may_reassign: bool

    @property
    def has_actions(self) -> bool:
        return self.may_share or self.may_reassign or (self.may_unshare and bool(self.shares))


def client_coaches_for(user, client: Client) -> ClientCoaches:
    """For a client the user may see (get_client). Two queries: the co-coaches, and the
    practice's coaches when the user may share or reassign."""
    shares = list(client.shares.select_related("coach").order_by("coach__name", "pk"))
    sharer, reassigner = may_share(user, client), may_reassign(user, client)
    others = set()
    if sharer or reassigner:
        # The client's practice is the user's (may_share): read from the user, at no cost.
        coaches = practice_coaches(membership_of(user).practice_id).exclude(pk=client.coach_id)
        others = set(coaches.values_list("pk", flat=True))
    return ClientCoaches(
        coach=client.coach,
        shares=shares,
        may_unshare=sharer,
        may_share=sharer and bool(others - {share.coach_id for share in shares}),
        may_reassign=reassigner and bool(others),
    )


# --- Libraries: who changes question banks and outreach templates ----------------------------
#
# Who may *use* a library item is `library_scope` above. Changing one is narrower: a coach changes
# their own items, and an admin of a practice also keeps the practice's library (creates, edits,
# archives and deletes its items, and moves their own items into it). Built-ins, with neither an
# owner nor a practice, are nobody's to change: coaches copy them. Viewers change nothing.

NOTHING = Q(pk__in=[])


def practice_library_of(user):
    """The practice whose library the user keeps, as its active admin, else None."""
    return practice_of(user) if is_practice_admin(user) else None


def library_editable_scope(user) -> Q:
    """The library items (outreach templates, question banks) the user may change: their own,
    plus their practice's if they are its admin."""
    if not works_on_clients(user):
        return NOTHING
    practice = practice_library_of(user)
    own = Q(owner=user)
    return own if practice is None else own | Q(practice=practice)


def library_movable_scope(user) -> Q:
    """The items the user may move into their practice's library: their own, if they keep it.
    A move hands the item to the practice; it is not the user's any more."""
    if practice_library_of(user) is None:
        return NOTHING
    return Q(owner=user)


def library_rights(user) -> dict:
    """The two rules above as annotations, `editable` and `movable`, so that a page learns what
    the user may do with each item in the query that loads it."""
    return {
        "editable": Case(
            When(library_editable_scope(user), then=True),
            default=False,
            output_field=BooleanField(),
        ),
        "movable": Case(
            When(library_movable_scope(user), then=True),
            default=False,
            output_field=BooleanField(),
        ),
    }


# --- Caseloads side by side -----------------------------------------------------------------
# The practice home shows every coach's figures at once. Counting them coach by coach would cost
# each coach's queries again; these are caseload_scope grouped instead of filtered, so that each
# figure is one query for the whole practice whatever the number of coaches.


def practice_home_coaches(practice):
    """The coaches the practice home lists, by name: every active admin and coach, and those
    deactivated who still coach clients (until an admin reassigns them), with `is_current`."""
    current = Q(membership__deactivated_at__isnull=True, is_active=True)
    coaches_clients = Exists(Client.objects.filter(coach=OuterRef("pk")))
    return (
        practice_coaches_and_former(practice)
        .filter(current | coaches_clients)
        .annotate(is_current=ExpressionWrapper(current, output_field=BooleanField()))
        .select_related("membership")
    )


def caseloads_scope(coach_ids, prefix: str = "") -> Q:
    """The clients on any of these coaches' caseloads (caseload_scope of each, together)."""
    shared = ClientShare.objects.filter(coach_id__in=coach_ids).values("client_id")
    return Q(**{_path(prefix, "coach_id__in"): coach_ids}) | Q(
        **{_path(prefix, "in") if prefix else "pk__in": shared}
    )


def per_caseload(rows, coach_ids, prefix: str = "") -> tuple:
    """`rows` once for each of `coach_ids` whose caseload holds the row's client (`prefix` is
    the path from the row to its `Client`), annotated with that coach as `caseload_coach` and
    `via_share`: the rows of the clients each coach coaches, then those of the clients shared
    with them. Grouped by `caseload_coach`, each coach's group is what `caseload_of` that coach
    would select; a client shared between two coaches counts in both caseloads."""
    own_coach = _path(prefix, "coach_id")
    own = rows.filter(**{f"{own_coach}__in": coach_ids}).annotate(
        caseload_coach=F(own_coach), via_share=Value(False)
    )
    shared = (
        rows.annotate(caseload_coach=F(_path(prefix, "shares__coach_id")), via_share=Value(True))
        .filter(caseload_coach__in=coach_ids)
        # A share with the client's own coach adds nothing to their caseload.
        .exclude(caseload_coach=F(own_coach))
    )
    return own, shared


# --- Inbound email (inbound app) -------------------------------------------------------------
#
# A client's logging address, the emails that matched none of their contacts and the people
# suggested from them belong to the client: whoever may see the client sees them and works on
# them as on the client's touches (the pages load the client with get_client); a viewer reads
# them, and ReadOnlyViewerMiddleware refuses the rest. A client never reaches another client's.
# The inbound models live in an app above this one, so the loader is handed their queryset: a
# VisibleToQuerySet, whose visible_to applies client_scope along its path to Client.


def get_inbound_item(user, queryset, pk):
    """An inbound message or suggestion (`queryset`'s model) of a client the user may see, with
    its client, else 404."""
    return get_object_or_404(
        queryset.visible_to(user).select_related("client", "client__coach", "client__user"), pk=pk
    )


# --- Action items (goals): who completes them and who changes them --------------------------
#
# Whoever sees a client sees their action items (client_scope, through `visible_to`). Marking an
# item done, or open again, is for those who work on the client and for the client, whoever set
# the item: a client completes the homework their coach gave them. Changing an item (its title,
# notes, due date or link) and deleting it: those who work on the client, any item; the client,
# only the items they set themselves — their coach's stay as the coach wrote them. Adding items
# is for both. Viewers do none of it (their unsafe requests are refused anyway, and the pages
# that exist only to change an item answer them 404).
#
# goals sits above clients in the chain, so the rules take the items as a queryset (or an item)
# and read the model from it; goals.access loads through them.


def works_on_action_items(user) -> bool:
    """A coach or practice admin, or a client on their own portal (not a viewer)."""
    return works_on_clients(user) or (user.is_authenticated and user.is_client)


def get_client_to_add_action_item(user, pk) -> Client:
    """A client the user may give an action item: one they work on, or a client's own record."""
    if not works_on_action_items(user):
        raise Http404
    return get_client(user, pk)


def action_items_to_complete(user, items):
    """`items` (ActionItem rows) narrowed to those the user may mark done or open again."""
    if not works_on_action_items(user):
        return items.none()
    return items.visible_to(user)


def action_items_to_change(user, items):
    """`items` narrowed to those the user may edit and delete (see may_change_action_item)."""
    items = action_items_to_complete(user, items)
    if user.is_authenticated and user.is_client:
        items = items.filter(set_by=items.model.SetBy.CLIENT)
    return items


def may_change_action_item(user, item) -> bool:
    """For an item the user may see: whether action_items_to_change lets them in too. Costs no
    query, so a list can ask it of every row."""
    if not works_on_action_items(user):
        return False
    return not user.is_client or item.set_by == type(item).SetBy.CLIENT
