"""bench/mix_costs.py's replay order and labels. No server, no database."""

from bench.mix_costs import interleaved, kind_of
from bench.mixed import Request, Session


def test_the_users_requests_are_taken_in_turn_and_cut_at_the_limit():
    coach, client = Session("c@x", "coach", {}), Session("p@x", "client", {})
    a = [Request("Coach home", "GET", f"/coach/?{n}") for n in range(3)]
    b = [Request("Client home", "GET", f"/portal/?{n}") for n in range(2)]
    pairs = interleaved([(coach, a), (client, b)], limit=4)
    assert [r.path for _s, r in pairs] == ["/coach/?0", "/portal/?0", "/coach/?1", "/portal/?1"]
    assert [r.path for _s, r in interleaved([(coach, a), (client, b)], limit=10)][-1] == (
        "/coach/?2"
    )


def test_a_portal_clients_pages_are_told_apart_but_not_their_saves():
    client, coach = Session("p@x", "client", {}), Session("c@x", "coach", {})
    page = Request("Prep page", "GET", "/interviews/1/")
    save = Request("Checklist save", "POST", "/interviews/1/checklist/", "a=1", 1)
    assert kind_of(client, page) == "Prep page (portal)"
    assert kind_of(coach, page) == "Prep page"
    assert kind_of(client, save) == "Checklist save"
    home = Request("Client home (portal)", "GET", "/portal/")
    assert kind_of(client, home) == "Client home (portal)"
