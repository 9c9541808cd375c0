"""Helpers for the tests: staff accounts, signing in through the form, a page's text."""

from __future__ import annotations

import re
from functools import lru_cache

from werkzeug.security import generate_password_hash

from ngo.extensions import db
from ngo.models import User

PASSWORD = "correct horse battery staple"


@lru_cache(maxsize=8)
def _hash(password: str) -> str:
    """A cheap scrypt hash (n=1024; the app uses werkzeug's n=32768), made once."""
    return generate_password_hash(password, method="scrypt:1024:8:1")


def make_user(
    app,
    role: str = "editor",
    email: str | None = None,
    password: str = PASSWORD,
    active: bool = True,
) -> int:
    """Create a staff account and give back its id."""
    with app.app_context():
        user = User(
            email=email or f"{role}@example.org",
            role=role,
            active=active,
            password_hash=_hash(password),
        )
        db.session.add(user)
        db.session.commit()
        return user.id


def sign_in(
    client, email: str, password: str = PASSWORD, next_path: str | None = None, **kwargs
):
    """Post the sign-in form as a browser would."""
    data = {"email": email, "password": password}
    if next_path is not None:
        data["next"] = next_path
    return client.post("/admin/login", data=data, **kwargs)


def signed_in(app, client, role: str = "editor", email: str | None = None):
    """Create an account of this role and sign the client in with it."""
    email = email or f"{role}@example.org"
    make_user(app, role, email)
    response = sign_in(client, email)
    assert response.status_code == 303, response.status_code
    return client


def text_of(response) -> str:
    """The visible text of an HTML response, tags removed and spaces collapsed."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    html = html.replace("<wbr>", "")  # a line-break point inside a word, not a space
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    return (
        text.replace("&#39;", "'")
        .replace("&amp;", "&")
        .replace("&#34;", '"')
        .replace("&quot;", '"')
    )
