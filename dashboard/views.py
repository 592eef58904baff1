import hashlib

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import FileResponse, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify

from clients import selectors as client_selectors
from clients.access import (
    client_profile_for,
    client_required,
    coach_required,
    get_client,
    get_client_to_export_all,
    practice_home_coaches,
    practice_of,
    practice_reader_required,
)
from clients.models import Client
from goals import selectors as goal_selectors
from goals.progress import progress_history
from goals.weeks import monday_of
from interviews.models import Interview
from pagecache.pages import cached_page, generation, own_generation

from . import data_export, exports, practice
from .attention import attention_for
from .charts import activity_chart
from .forms import PeriodForm, PracticeFiguresForm
from .insights import Funnel, Period, caseload_clients, funnel, weekly_activity
from .next_steps import next_steps


def _period(request) -> tuple[PeriodForm, Period]:
    form = PeriodForm(request.GET or None)
    return form, Period.last_days(form.days_or_default())


def _target_history(client, period: Period):
    """Target against actual for each of the client's weeks that overlap the period, the
    current one last; none when no week of them had a target."""
    weeks = (monday_of(period.end) - monday_of(period.start)).days // 7 + 1
    history = progress_history(client, weeks=weeks)
    return history if any(week.has_targets for week in history) else []


@coach_required
@cached_page
def coach_home(request):
    """What needs me today, then how the caseload is doing."""
    clients = caseload_clients(request.user)
    attention = attention_for(request.user)
    summary = cached_caseload_summary(request.user, clients)
    return render(
        request,
        "dashboard/coach_home.html",
        {
            "items": attention.items,
            "hidden": attention.hidden,
            "n_items": attention.total,
            "n_clients": clients.count(),
            "funnel": summary["funnel"],
            "chart": activity_chart(summary["weeks"]),
            "page_cache_seconds": settings.PAGE_CACHE_SECONDS,
            "summary_seconds": settings.HOME_SUMMARY_SECONDS,
        },
    )


def cached_summary(name: str, user, compute):
    """The homes' funnel and chart cost the most SQL on a large caseload, so they are cached
    for HOME_SUMMARY_SECONDS per user and day, and dropped with the user's pages whenever
    anyone who shares their caseload writes something (the key carries
    pagecache.pages.generation). With 0 they are computed on every request."""
    seconds = settings.HOME_SUMMARY_SECONDS
    if not seconds:
        return compute()
    key = f"dashboard:{name}:{user.pk}:{timezone.localdate().isoformat()}:{generation(user.pk)}"
    return cache.get_or_set(key, compute, seconds)


def cached_caseload_summary(coach, clients) -> dict:
    return cached_summary(
        "summary",
        coach,
        lambda: {
            "funnel": funnel(clients, Period.last_days(30)),
            "weeks": weekly_activity(clients),
        },
    )


@practice_reader_required
@cached_page
def practice_home(request):
    """Each coach's caseload side by side, and the practice's funnel and weekly activity."""
    form, figures = _practice_figures(request)
    return render(
        request,
        "dashboard/practice_home.html",
        {
            "practice": practice_of(request.user),
            "form": form,
            "chosen": form.chosen_coach(),
            "figures": figures,
            "chart": activity_chart(figures.weeks),
            "steps": Funnel.STEPS,
            "export_query": form.as_query(),
            "figures_seconds": settings.PRACTICE_FIGURES_SECONDS,
        },
    )


@practice_reader_required
def practice_export(request):
    """The practice home's table as CSV: a row per coach and the total line, same filters."""
    _form, figures = _practice_figures(request)
    name = slugify(practice_of(request.user).name) or "practice"
    period = figures.period
    filename = f"{name}-{period.start}-to-{period.end}.csv"
    return _csv_response(exports.practice_csv(figures), filename)


def _practice_figures(request) -> tuple[PracticeFiguresForm, practice.PracticeFigures]:
    """The figures the practice home shows for its filters. Days and weeks are the practice's
    (Practice.timezone). Counting every caseload of a practice is the dearest read there is,
    and readers come back to it often, so the figures are kept PRACTICE_FIGURES_SECONDS per
    reader and filter, whatever others write meanwhile, and counted again at once after the
    reader's own changes (pagecache.pages.own_generation). The page says so and when they were
    counted."""
    reader = request.user
    own_practice = practice_of(reader)
    coaches = list(practice_home_coaches(own_practice))
    form = PracticeFiguresForm(request.GET or None, coaches=coaches)
    chosen = form.chosen_coach()
    shown = [chosen] if chosen else coaches
    with timezone.override(own_practice.timezone):
        period = Period.last_days(form.days_or_default())

        def count():
            summary = practice.period_summary(shown, practice.clients_shown(reader, chosen), period)
            return practice.practice_figures(shown, summary, period, one_coach=chosen is not None)

        seconds = settings.PRACTICE_FIGURES_SECONDS
        if not seconds:
            return form, count()
        shown_ids = ",".join(str(coach.pk) for coach in shown)
        key = ":".join(
            [
                "dashboard:practice-figures",
                str(reader.pk),
                str(period.start),
                str(period.end),
                hashlib.sha256(shown_ids.encode()).hexdigest()[:16],
                own_generation(reader.pk),
            ]
        )
        return form, cache.get_or_set(key, count, seconds)


@coach_required
def caseload_insights(request):
    form, period = _period(request)
    clients = caseload_clients(request.user)
    return render(
        request,
        "dashboard/insights.html",
        {
            "form": form,
            "period": period,
            "funnel": funnel(clients, period),
            "chart": activity_chart(weekly_activity(clients)),
            "scope": "your whole caseload",
        },
    )


@login_required
def client_insights(request, client_pk):
    client = get_client(request.user, client_pk)
    form, period = _period(request)
    clients = Client.objects.filter(pk=client.pk)
    return render(
        request,
        "dashboard/insights.html",
        {
            "client": client,
            "form": form,
            "period": period,
            "funnel": funnel(clients, period),
            "chart": activity_chart(weekly_activity(clients)),
            "scope": client.name,
            "history": _target_history(client, period),
        },
    )


@client_required
@cached_page
def client_home(request):
    client = client_profile_for(request.user)
    counts = client_selectors.stage_counts(client)
    return render(
        request,
        "dashboard/client_home.html",
        {
            "client": client,
            "steps": next_steps(client, stage_counts=counts),
            "week": goal_selectors.this_week(client),
            "counts": counts,
            "stages": client_selectors.FUNNEL_STAGES,
            "funnel": cached_summary(
                # By id: the funnel need not read it back (insights._ids_of).
                "client-funnel",
                request.user,
                lambda: funnel([client.pk], Period.last_days(90)),
            ),
            "now": timezone.now(),
        },
    )


def _csv_response(content: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def export_contacts(request, client_pk):
    client = get_client(request.user, client_pk)
    content = exports.contacts_csv(client, include_private=request.user.is_coach)
    return _csv_response(content, f"{slugify(client.name)}-contacts.csv")


@login_required
def export_interviews(request, client_pk):
    client = get_client(request.user, client_pk)
    return _csv_response(exports.interviews_csv(client), f"{slugify(client.name)}-interviews.csv")


@login_required
def export_all_data(request, client_pk):
    """Everything about the client as a zip: the coach's copy, or the client's own (without
    the coach's private notes)."""
    client = get_client_to_export_all(request.user, client_pk)
    export = data_export.client_data_export(client=client, for_coach=request.user.is_coach)
    return FileResponse(
        export.file, as_attachment=True, filename=export.filename, content_type="application/zip"
    )


@login_required
def progress_report(request, client_pk):
    """One printable page for a coaching session."""
    client = get_client(request.user, client_pk)
    form, period = _period(request)
    clients = Client.objects.filter(pk=client.pk)
    return render(
        request,
        "dashboard/progress_report.html",
        {
            "client": client,
            "period": period,
            "funnel": funnel(clients, period),
            "counts": client_selectors.stage_counts(client),
            "stages": client_selectors.FUNNEL_STAGES,
            "interviews": client.interviews.filter(
                status=Interview.Status.COMPLETED,
                starts_at__gte=period.start_at,
                starts_at__lt=period.end_at,
            )
            .select_related("contact", "contact__company", "debrief")
            .order_by("starts_at"),
            "opportunities": client.opportunities.filter(at__gte=period.start).select_related(
                "contact"
            ),
            "history": _target_history(client, period),
            "done_items": goal_selectors.done_items(client).filter(
                done_at__gte=period.start_at, done_at__lt=period.end_at
            ),
            "steps": next_steps(client),
        },
    )
