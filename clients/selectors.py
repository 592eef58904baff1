"""Non-trivial reads. Each page's query count stays flat as data grows: counts come from one
annotated query, related rows from select_related, latest touches from a correlated subquery."""

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from accounts.models import Membership

from . import access
from .models import Client, Company, Contact, Touch

# The stages shown as columns on the caseload and client pages, in pipeline order.
FUNNEL_STAGES = [
    Contact.Stage.IDENTIFIED,
    Contact.Stage.REACHED_OUT,
    Contact.Stage.REPLIED,
    Contact.Stage.SCHEDULED,
    Contact.Stage.INTERVIEWED,
    Contact.Stage.THANKED,
]


def _stage_count_subqueries() -> dict:
    """One correlated count per stage. Unlike a join with GROUP BY, these run only for the rows
    a page shows (bench/README.md: the grouped form cost 4 s on a 200-client caseload)."""
    return {
        f"n_{stage.value}": Coalesce(
            Subquery(
                Contact.objects.filter(client=OuterRef("pk"), stage=stage)
                .order_by()
                .values("client")
                .annotate(n=Count("pk"))
                .values("n")
            ),
            0,
        )
        for stage in FUNNEL_STAGES
    }


def _latest_touch_at(**outer):
    return Subquery(
        Touch.objects.filter(**outer).order_by("-at").values("at")[:1],
    )


def caseload(
    clients: QuerySet[Client], *, search: str = "", archived: bool = False
) -> QuerySet[Client]:
    """These clients (a coach's caseload, or a practice's) with their contacts counted by stage
    and their last activity."""
    clients = clients.filter(status=Client.Status.ARCHIVED if archived else Client.Status.ACTIVE)
    if search:
        clients = clients.filter(Q(name__icontains=search) | Q(email__icontains=search))
    return (
        clients.annotate(
            **_stage_count_subqueries(),
            last_touch_at=_latest_touch_at(contact__client=OuterRef("pk")),
        )
        .select_related("coach")
        .order_by("name")
    )


def with_last_activity(clients) -> list[Client]:
    """Set `last_activity_at` (the later of the last touch and the last change) on a page of
    caseload rows; done in Python so the SQL stays free of per-row expressions."""
    rows = list(clients)
    for client in rows:
        client.last_activity_at = max(filter(None, [client.updated_at, client.last_touch_at]))
    return rows


def stage_counts(client: Client) -> dict[str, int]:
    """Contacts of one client counted by stage, every stage present (zero when none)."""
    rows = client.contacts.values("stage").annotate(n=Count("pk")).order_by()
    counts = {stage.value: 0 for stage in Contact.Stage}
    counts.update({row["stage"]: row["n"] for row in rows})
    return counts


def contacts_for_list(client: Client, *, stage: str = "", search: str = "") -> QuerySet[Contact]:
    """The contact list's rows: the columns it shows, with `company_name` and `last_touch_at`.

    The company's name is a correlated subquery rather than select_related: with a LEFT JOIN,
    PostgreSQL hashes every company of every client before the page's 50 rows are cut (10 ms of
    the list's 11 ms of SQL at the bench's 14,000 companies, and growing with the practice);
    the subquery, like the last touch's, runs only for the rows the page shows. A search
    matches companies among the client's own, for the same reason.
    """
    contacts = client.contacts.only("client", "name", "title", "source", "stage")
    if stage == "open":
        contacts = contacts.exclude(stage__in=Contact.CLOSED)
    elif stage:
        contacts = contacts.filter(stage=stage)
    if search:
        # The client's own companies by name, not a join: the join hashed every company.
        companies = Company.objects.filter(client=client, name__icontains=search)
        contacts = contacts.filter(
            Q(name__icontains=search)
            | Q(company__in=companies)
            | Q(title__icontains=search)
            | Q(email__icontains=search)
        )
    return contacts.annotate(
        company_name=Subquery(Company.objects.filter(pk=OuterRef("company_id")).values("name")),
        last_touch_at=_latest_touch_at(contact=OuterRef("pk")),
    )


COMPANY_SORTS = {
    "name": ["name"],
    "motivation": ["-motivation", "name"],
    "posting": ["-posting", "name"],
    "advocacy": ["-advocacy", "name"],
    "lamp": ["-lamp", "name"],
}


def companies_for_list(client: Client, *, sort: str = "lamp") -> QuerySet[Company]:
    return client.companies.annotate(
        lamp=F("motivation") + F("posting") + F("advocacy"), n_contacts=Count("contacts")
    ).order_by(*COMPANY_SORTS.get(sort, COMPANY_SORTS["lamp"]))


def recent_touches(client: Client, *, limit: int = 10) -> QuerySet[Touch]:
    """The client's latest touches, newest first, with what the touch list shows of each contact
    (its name and company)."""
    return (
        Touch.objects.filter(contact__client=client)
        .select_related("contact", "contact__company")
        .order_by("-at", "-pk")[:limit]
    )


@dataclass(frozen=True)
class LibraryGroups:
    """A library list (outreach templates or question banks) split as its page shows it."""

    builtin: list
    practice: list
    own: list
    # A coach without a practice has no practice group; a practice of one hides it while it is
    # empty, since the solo coach's own items already say it all.
    shows_practice: bool
    # The user keeps the practice's library (clients.access.practice_library_of).
    keeps_practice: bool


def library_groups(items, *, user) -> LibraryGroups:
    """`items`, usable by `user`, as built-ins, the practice's library and the user's own."""
    items = list(items)
    practice = access.practice_of(user)
    practice_items = [item for item in items if item.practice_id is not None]
    shows_practice = practice is not None and (
        bool(practice_items)
        or Membership.objects.filter(practice=practice, deactivated_at__isnull=True)
        .exclude(user=user)
        .exists()
    )
    return LibraryGroups(
        builtin=[item for item in items if item.is_builtin],
        practice=practice_items,
        own=[item for item in items if item.owner_id is not None],
        shows_practice=shows_practice,
        keeps_practice=access.practice_library_of(user) is not None,
    )


# --- Figures per caseload (the practice home) ---------------------------------------------------


@dataclass(frozen=True)
class Tally:
    """Counts per coach, each a Counter by aggregate name: `own[coach_id]` over the clients
    they coach, `shared[coach_id]` over the clients shared with them."""

    own: dict[int, Counter]
    shared: dict[int, Counter]

    def of(self, coach_id) -> Counter:
        """A coach's whole caseload, as their own pages count it."""
        return self.own.get(coach_id, Counter()) + self.shared.get(coach_id, Counter())

    def once(self) -> Counter:
        """The coaches' caseloads together, each row once (under its client's coach)."""
        return sum(self.own.values(), Counter())


def tally_per_caseload(rows: QuerySet, coach_ids, prefix: str = "", **aggregates) -> Tally:
    """`aggregates` of `rows` over each coach's caseload (clients.access.per_caseload) in one
    query, whatever the number of coaches. `prefix` is the path from a row to its `Client`."""
    tally = Tally(own={}, shared={})
    if not coach_ids:
        return tally
    names = list(aggregates)
    own, shared = (
        part.order_by()
        .values("caseload_coach", "via_share")
        .annotate(**aggregates)
        .values_list("caseload_coach", "via_share", *names)
        for part in access.per_caseload(rows, list(coach_ids), prefix)
    )
    for coach_id, via_share, *values in own.union(shared, all=True):
        counts = Counter(dict(zip(names, values, strict=True)))
        (tally.shared if via_share else tally.own)[coach_id] = counts
    return tally
