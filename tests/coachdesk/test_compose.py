"""The compose stack users run on their machines: nothing reachable from other machines but
what a TLS proxy on the host forwards, and no inbox of every email unless asked for."""

import re
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


# An exact version: "16.15", "v1.29.7", "24.18.0-bookworm-slim"; not "latest", "16" or "7".
EXACT_TAG = re.compile(r"^v?\d+\.\d+(\.\d+)?(-[a-z0-9.]+)*$")


def tag_of(image: str) -> str:
    name = image.split("@")[0]
    return name.rsplit(":", 1)[1] if ":" in name.rsplit("/", 1)[-1] else ""


@pytest.mark.parametrize(
    "name",
    # Services built here (web, worker, beat) run the image this Dockerfile makes.
    sorted(name for name, service in compose()["services"].items() if "build" not in service),
)
def test_every_pulled_image_has_an_exact_version_tag(name):
    image = compose()["services"][name]["image"]

    assert EXACT_TAG.match(tag_of(image)), f"{name} uses {image}"


def test_every_base_image_of_the_dockerfile_has_an_exact_version_tag():
    lines = (ROOT / "Dockerfile").read_text().splitlines()
    images = [line.split()[1] for line in lines if line.startswith("FROM ")]

    assert len(images) == 2
    for image in images:
        assert EXACT_TAG.match(tag_of(image)), image


def test_the_image_installs_the_locked_dependencies_with_their_hashes():
    dockerfile = (ROOT / "Dockerfile").read_text()

    assert "pip install --no-cache-dir --require-hashes -r requirements/base.txt" in dockerfile
