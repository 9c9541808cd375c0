"""The project's habits: make lint first, pytest as typed, instance/ left alone."""

import functools
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask

from ngo import create_app

ROOT = Path(__file__).resolve().parent.parent


def clean_env() -> dict:
    """The environment without an outer make's flags (make test runs these tests)."""
    return {
        k: v
        for k, v in os.environ.items()
        if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")
    }


def test_plain_pytest_finds_the_test_helpers():
    """`pytest` as typed imports `tests.staff` (the shared helpers) like `-m pytest`."""
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "pytest"),
            "--collect-only",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/test_static.py",  # imports tests.staff
        ],
        cwd=ROOT,
        env={**clean_env(), "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert re.search(r"\d+ tests collected", result.stdout)


def make_dry_run(*args: str) -> list[str]:
    """The commands `make -n` would run, one per line."""
    result = subprocess.run(
        ["make", "-n", *args],
        cwd=ROOT,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_make_test_lints_first_and_never_builds_instance_db():
    lines = make_dry_run("test")
    ruff = next(i for i, line in enumerate(lines) if "ruff check ." in line)
    assert "ruff format --check ." in lines[ruff + 1]
    pytest_runs = [i for i, line in enumerate(lines) if "-m pytest" in line]
    assert len(pytest_runs) == 2 and ruff < min(pytest_runs)
    assert "NGO_TEST_DATABASE_URL" in lines[pytest_runs[1]]
    assert not any("db upgrade" in line or "seed-demo" in line for line in lines)


def test_make_run_takes_a_port():
    assert make_dry_run("run", "PORT=5077")[-1].endswith("--port 5077")
    assert make_dry_run("run")[-1].endswith("--port 5000")


def test_ci_runs_make_test():
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_readme_commands_name_the_projects_flask():
    readme = (ROOT / "README.md").read_text()
    bare = [
        line
        for line in readme.splitlines()
        if re.search(r"(?<![/\w])flask --app", line)
    ]
    assert bare == []
    head = readme.split("## Configuration", 1)[0]
    assert "## First ten minutes" in head
    assert ".venv/bin/flask --app ngo create-user" in head
    assert "/admin/login" in head and "make run PORT=" in head


@pytest.fixture
def instance(tmp_path, monkeypatch):
    """An instance folder of this test's own, not yet made."""
    folder = tmp_path / "instance"
    monkeypatch.setattr(
        "ngo.Flask", functools.partial(Flask, instance_path=str(folder))
    )
    return folder


def test_a_database_elsewhere_leaves_instance_alone(instance, tmp_path):
    create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}", "SECRET_KEY": "k"}
    )
    create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "k"})
    assert not instance.exists()


def test_the_default_database_makes_instance(instance, monkeypatch):
    monkeypatch.delenv("NGO_DATABASE_URL", raising=False)
    app = create_app({"SECRET_KEY": "k"})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{instance / 'ngo.db'}"
    assert instance.is_dir()
