"""bench/mixed.py's plan of requests: who opens and saves what. No server, no database."""

import re
from urllib.parse import parse_qs

import pytest

from bench.mixed import (
    CLIENT_PAGES,
    REOPEN,
    TOUCH_NOTE,
    ClientData,
    Session,
    build_requests,
    request_lines,
)

KEYS = ("pitch", "questions", "research_company")
TOUCH_AT = "2026-01-01T09:00"


def client_data(pk: int) -> ClientData:
    base = pk * 100
    return ClientData(
        pk=pk,
        interviews={base + 1: (), base + 2: ("pitch",)},
        contacts=[base + 10, base + 11, base + 12],
        followed_up=[base + 11, base + 12],
        open_items=[base + 20, base + 21],
    )


def session(role: str, *client_pks: int) -> Session:
    return Session(
        email=f"{role}@example.com",
        role=role,
        cookies={"sessionid": f"s-{role}", "csrftoken": f"t-{role}"},
        clients=[client_data(pk) for pk in client_pks],
    )


def plan(user: Session, count: int = 4000, save_share: float = 0.07, seed: int = 1):
    return build_requests(
        user, count, seed=seed, save_share=save_share, checklist_keys=KEYS, touch_at=TOUCH_AT
    )


def ids_in(path: str) -> list[int]:
    return [int(n) for n in re.findall(r"\d+", path)]


def test_a_coach_opens_only_their_clients_pages():
    coach = session("coach", 1, 2)
    own = (
        {1, 2}
        | {n for c in coach.clients for n in c.interviews}
        | {n for c in coach.clients for n in c.contacts + c.open_items}
    )

    requests = plan(coach)

    assert len(requests) == 4000
    assert {n for r in requests for n in ids_in(r.path)} <= own
    assert {r.kind for r in requests if not r.is_save} == {
        "Coach home",
        "Caseload",
        *CLIENT_PAGES,
    }


def test_a_portal_client_never_opens_the_coach_side():
    client = session("client", 7)

    requests = plan(client)

    paths = {r.path for r in requests}
    assert "/portal/" in paths
    assert "/clients/7/contacts/" in paths
    assert "/clients/7/" not in paths
    assert not any(p in paths for p in ("/coach/", "/clients/", "/practice/"))


def test_the_viewer_only_reads():
    viewer = session("viewer", 1, 2, 3)

    requests = plan(viewer)

    assert not any(r.is_save for r in requests)
    assert {"/practice/", "/clients/"} <= {r.path for r in requests}


@pytest.mark.parametrize("share", [0.07, 0.2])
def test_saves_make_the_share_asked_for(share):
    requests = plan(session("coach", 1, 2, 3), count=20_000, save_share=share)

    saves = sum(r.is_save for r in requests) / len(requests)
    assert saves == pytest.approx(share, abs=0.01)


def test_no_saves_at_a_share_of_zero():
    assert not any(r.is_save for r in plan(session("admin", 1, 2), save_share=0))


def test_every_action_item_done_is_opened_again_before_the_next_one():
    requests = plan(session("coach", 1, 2), count=20_000)

    actions = [r for r in requests if r.kind in ("Action item done", REOPEN)]
    assert len(actions) > 20
    for done, reopen in zip(actions[::2], actions[1::2], strict=False):
        assert (done.kind, reopen.kind, done.pk) == ("Action item done", REOPEN, reopen.pk)


def test_saves_carry_the_csrf_cookie_and_are_followed_by_the_page_they_redirect_to():
    requests = plan(session("client", 7), count=20_000, save_share=0.2)

    for save, following in zip(requests, requests[1:], strict=False):
        if not save.is_save:
            continue
        fields = parse_qs(save.body)
        assert fields["csrfmiddlewaretoken"] == ["t-client"]
        assert following.method == "GET"
        if save.kind == "Checklist save":
            assert set(fields.get("done", [])) <= set(KEYS)
            assert following.path == f"/interviews/{save.pk}/"
        elif save.kind == "Touch logged":
            assert fields["kind"] == ["follow_up"]
            assert fields["note"] == [TOUCH_NOTE]
            assert save.pk in {711, 712}  # only contacts already reached
            assert following.path == f"/contacts/{save.pk}/"
        else:
            assert fields["next"] == ["/portal/"]
            assert following.path == "/portal/"


def test_a_seed_gives_the_same_plan():
    coach = session("coach", 1, 2)

    assert plan(coach, seed=3) == plan(coach, seed=3)
    assert plan(coach, seed=3) != plan(coach, seed=4)


def test_the_request_file_interleaves_users_one_request_a_line():
    coach, client = session("coach", 1), session("client", 7)
    plans = [(coach, plan(coach, count=5)), (client, plan(client, count=5))]

    lines = request_lines(plans)

    assert len(lines) == 10
    for n, line in enumerate(lines):
        method, path, cookie, body = line.split("\t")
        user, requests = plans[n % 2]
        assert (method, path, body) == (
            requests[n // 2].method,
            requests[n // 2].path,
            requests[n // 2].body,
        )
        assert cookie == f"sessionid=s-{user.role}; csrftoken=t-{user.role}"
