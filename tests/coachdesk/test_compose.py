"""The compose stack users run on their machines: nothing reachable from other machines but
what a TLS proxy on the host forwards, and no inbox of every email unless asked for."""

from pathlib import Path

import pytest
import yaml
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def published(service) -> list[str]:
    """Each published port in the long form's terms: host address, host port, container port."""
    mappings = []
    for port in service.get("ports", []):
        if isinstance(port, dict):
            mappings.append(f"{port.get('host_ip', '0.0.0.0')}:{port['published']}")
        else:
            parts = str(port).split(":")
            # "8025:8025" and "8025" listen on every interface, like "0.0.0.0:8025:8025".
            mappings.append(str(port) if len(parts) == 3 else f"0.0.0.0:{port}")
    return mappings


@pytest.mark.parametrize("name", sorted(compose()["services"]))
def test_no_service_publishes_a_port_on_every_interface(name):
    for mapping in published(compose()["services"][name]):
        assert mapping.startswith("127.0.0.1:"), f"{name} publishes {mapping}"


def test_mailpit_runs_only_in_the_trial_profile():
    assert compose()["services"]["mailpit"].get("profiles") == ["trial"]


def test_the_example_environment_does_not_send_mail_to_mailpit():
    lines = (ROOT / ".env.example").read_text().splitlines()
    email_urls = [line for line in lines if line.startswith("EMAIL_URL=")]

    assert email_urls
    assert not any("mailpit" in line for line in email_urls)
