"""The wiring: defaults in ngo/config.py, extensions in ngo/extensions.py, listeners
hooked by the factory, and `flask db` wherever Flask finds the app."""

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask

from ngo import create_app, extensions
from ngo.config import Config
from ngo.extensions import db

ROOT = Path(__file__).resolve().parent.parent
FLASK = Path(sys.executable).parent / "flask"
# Extensions keep defaults of their own under their prefixes.
EXTENSION_PREFIXES = ("SQLALCHEMY_", "WTF_")
# Defaults that are the code's business, not a deployer's: not in the README.
NOT_FOR_DEPLOYERS = {
    "SQLALCHEMY_ENGINE_OPTIONS",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "WTF_CSRF_TIME_LIMIT",
}


def scratch_env(tmp_path) -> dict:
    """The environment of a `flask` or Python child: its own database, no FLASK_APP."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NGO_", "FLASK_"))}
    env["NGO_DATABASE_URL"] = f"sqlite:///{tmp_path / 'scratch.db'}"
    env["NGO_SECRET_KEY"] = "wiring-test"
    return env


def run(args, tmp_path) -> str:
    """Run a command in the repository root, as a deployer would; its output."""
    result = subprocess.run(
        args,
        cwd=ROOT,
        env=scratch_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_a_web_worker_never_imports_alembic(tmp_path):
    probe = (
        "import sys, wsgi; "
        "print(sorted(m for m in ('alembic', 'flask_migrate') if m in sys.modules)); "
        "print('db' in wsgi.app.cli.commands)"
    )
    assert run([sys.executable, "-c", probe], tmp_path).split("\n")[:2] == [
        "[]",
        "True",
    ]


@pytest.mark.parametrize("app_option", [[], ["--app", "ngo"]], ids=["root", "app"])
def test_flask_db_upgrade_works_at_the_root_and_with_app_ngo(tmp_path, app_option):
    run([FLASK, *app_option, "db", "upgrade"], tmp_path)
    assert "(head)" in run([FLASK, *app_option, "db", "current"], tmp_path)


def test_flask_help_lists_db(tmp_path):
    output = run([FLASK, "--help"], tmp_path)
    assert re.search(r"^\s+db\s+Perform database migrations\.$", output, re.M)


def test_listeners_are_hooked_by_the_factory_not_by_importing(tmp_path):
    probe = (
        "from sqlalchemy import event\n"
        "from sqlalchemy.engine import Engine\n"
        "from sqlalchemy.orm import Session\n"
        "import ngo, ngo.revisions as r\n"
        "hooked = lambda: (event.contains(Session, 'before_flush', r._note_changes),\n"
        "    event.contains(Engine, 'connect', ngo._sqlite_pragmas))\n"
        "print(hooked())\n"
        "ngo.create_app()\n"
        "print(hooked())\n"
    )
    assert run([sys.executable, "-c", probe], tmp_path).split("\n")[:2] == [
        "(False, False)",
        "(True, True)",
    ]


def test_a_second_app_hooks_each_listener_only_once(app, app_config):
    from ngo import _sqlite_pragmas, revisions

    create_app(app_config)
    revisions.register()
    with app.app_context():
        session = db.session()
        for name, listener in revisions._LISTENERS:
            assert list(getattr(session.dispatch, name)).count(listener) == 1, name
        # An Engine's "connect" is its pool's.
        assert list(db.engine.pool.dispatch.connect).count(_sqlite_pragmas) == 1


def test_every_extension_is_made_in_extensions_and_bound_by_the_factory(app):
    assert app.login_manager is extensions.login_manager
    assert app.extensions["sqlalchemy"] is extensions.db
    assert app.extensions["csrf"] is extensions.csrf
    assert "db" in app.cli.commands


def test_the_app_has_no_default_that_config_py_lacks(app, app_config):
    ours = {key for key in dir(Config) if key.isupper()}
    environment = {key.removeprefix("NGO_") for key in os.environ}
    stray = {
        key
        for key in app.config
        if key not in Flask.default_config
        and key not in ours
        and key not in app_config
        and key not in environment
        and not key.startswith(EXTENSION_PREFIXES)
    }
    assert stray == set()


def _defaults_in_code() -> list[str]:
    """Every `config.get(KEY, default)` and `config.setdefault(...)` under ngo/."""
    found = []
    for path in sorted((ROOT / "ngo").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not (
                isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            ):
                continue
            owner = ast.unparse(node.func.value)
            if not owner.endswith("config"):
                continue
            method = node.func.attr
            if method == "setdefault" or (method == "get" and len(node.args) > 1):
                found.append(
                    f"{path.relative_to(ROOT)}:{node.lineno}: {ast.unparse(node)}"
                )
    return found


def test_no_module_keeps_a_default_of_its_own():
    assert _defaults_in_code() == []


def _readme_settings() -> dict[str, str]:
    """Each `NGO_*` setting a README table lists, with its default cell."""
    rows = re.findall(
        r"^\| `NGO_(\w+)` \| ([^|]*) \|", (ROOT / "README.md").read_text(), re.M
    )
    return {name: default.strip() for name, default in rows}


def test_the_readme_lists_every_setting_with_its_true_default():
    listed = _readme_settings()
    settable = {key for key in dir(Config) if key.isupper()} - NOT_FOR_DEPLOYERS
    assert settable - set(listed) == set()
    for name, cell in listed.items():
        literal = re.fullmatch(r"`([^`]*)`", cell)
        if literal and name in settable:
            try:
                value = json.loads(literal.group(1))
            except ValueError:
                value = literal.group(1)
            assert value == getattr(Config, name), name
