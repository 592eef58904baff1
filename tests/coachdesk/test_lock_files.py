"""The lock files (make lock) hold what pyproject.toml asks for: a dependency added or moved
in pyproject.toml without `make lock` fails here, not on someone's machine."""

import tomllib
from pathlib import Path

import pytest
from django.conf import settings
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(settings.BASE_DIR)
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def locked(name: str) -> dict[str, str]:
    """Each package of a lock file with its pinned version."""
    pins = {}
    for line in (ROOT / "requirements" / name).read_text().splitlines():
        if line and not line.startswith((" ", "#")):
            package, version = line.split(";")[0].split(" ")[0].split("==")
            pins[canonicalize_name(package)] = version
    return pins


def pinned(requirements: list[str]) -> dict[str, str]:
    pins = {}
    for text in requirements:
        requirement = Requirement(text)
        [specifier] = requirement.specifier
        assert specifier.operator == "==", f"{text}: pin it exactly"
        pins[canonicalize_name(requirement.name)] = specifier.version
    return pins


@pytest.mark.parametrize(
    ("lock", "requirements"),
    [
        ("base.txt", PROJECT["dependencies"]),
        ("dev.txt", PROJECT["dependencies"] + PROJECT["optional-dependencies"]["dev"]),
    ],
)
def test_the_lock_files_hold_the_versions_pyproject_asks_for(lock, requirements):
    pins = locked(lock)

    for package, version in pinned(requirements).items():
        assert pins.get(package) == version, f"{package}=={version}: run `make lock`"


def test_development_runs_the_same_versions_as_production():
    dev = locked("dev.txt")

    for package, version in locked("base.txt").items():
        assert dev.get(package) == version, package


def test_every_locked_package_has_its_hashes():
    for name in ("base.txt", "dev.txt"):
        text = (ROOT / "requirements" / name).read_text()
        entries = [e for e in text.split("\n") if e and not e.startswith((" ", "#"))]
        assert text.count("\n    --hash=sha256:") >= len(entries)
        for entry in entries:
            assert entry.endswith("\\"), f"{entry} in {name} has no hash"
