"""Signed values a commenter carries: pending-comments token, remember-me, time stamp.

All are signed with the app's secret key (itsdangerous), each with a salt of its
own, so a value made for one purpose is worthless for another and a tampered
value is simply ignored.
"""

import math
import time
from functools import lru_cache

from flask import Response, current_app, request
from itsdangerous import BadData, URLSafeSerializer, URLSafeTimedSerializer

from ngo.caching import personal_cookie

# Both put their holder's own data on a statement page: never a shared page.
PENDING_COOKIE = personal_cookie("comment_pending")
AUTHOR_COOKIE = personal_cookie("comment_author")
# The newest pending comments a reader may see; older ids drop off the token.
PENDING_KEPT = 20


def _signer(salt: str, timed: bool = False):
    """A serializer bound to the app's secret key and one purpose."""
    return _serializer(current_app.secret_key, f"ngo.comments.{salt}", timed)


@lru_cache(maxsize=32)
def _serializer(secret_key, salt: str, timed: bool):
    """Made once per key and purpose: a statement page signs a stamp per request."""
    cls = URLSafeTimedSerializer if timed else URLSafeSerializer
    return cls(secret_key, salt=salt)


def _set_cookie(response: Response, name: str, value: str, max_age: int) -> None:
    """A first-party cookie scripts cannot read, sent back on same-site navigation."""
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/",
        secure=request.is_secure,
        httponly=True,
        samesite="Lax",
    )


# -- The reader's own pending comments -------------------------------------------


def pending_ids() -> list[int]:
    """Ids of the comments this browser posted that may still await moderation.

    The token is a signed, dated list of comment ids given to the browser that
    posted them: knowing someone's email shows nothing.
    """
    raw = request.cookies.get(PENDING_COOKIE)
    if not raw or len(raw) > 2048:
        return []
    try:
        ids = _signer("pending", timed=True).loads(
            raw, max_age=current_app.config["COMMENT_PENDING_SECONDS"]
        )
    except BadData:
        return []
    if not isinstance(ids, list):
        return []
    return [i for i in ids if isinstance(i, int) and not isinstance(i, bool)][
        -PENDING_KEPT:
    ]


def add_pending(response: Response, comment_id: int) -> None:
    """Add a just-posted pending comment to this browser's token."""
    ids = [i for i in pending_ids() if i != comment_id] + [comment_id]
    token = _signer("pending", timed=True).dumps(ids[-PENDING_KEPT:])
    _set_cookie(
        response, PENDING_COOKIE, token, current_app.config["COMMENT_PENDING_SECONDS"]
    )


# -- Remember me ---------------------------------------------------------------------


def remembered_author() -> dict | None:
    """Name, email and website saved by the remember-me box, or None."""
    raw = request.cookies.get(AUTHOR_COOKIE)
    if not raw or len(raw) > 4096:
        return None
    try:
        data = _signer("author").loads(raw)
    except BadData:
        return None
    if not isinstance(data, dict):
        return None
    fields = {key: data.get(key) for key in ("author", "email", "url")}
    if not all(value is None or isinstance(value, str) for value in fields.values()):
        return None
    return fields


def remember_author(
    response: Response, author: str, email: str, url: str | None
) -> None:
    """Keep the commenter's details for a year, to fill in the form next time."""
    value = _signer("author").dumps(
        {"author": author, "email": email, "url": url or ""}
    )
    _set_cookie(
        response, AUTHOR_COOKIE, value, current_app.config["COMMENT_REMEMBER_SECONDS"]
    )


def forget_author(response: Response) -> None:
    """Clear the remember-me cookie (the box was left unticked)."""
    response.delete_cookie(
        AUTHOR_COOKIE, path="/", secure=request.is_secure, httponly=True, samesite="Lax"
    )


# -- The time trap ----------------------------------------------------------------


def make_stamp(statement_id: int, issued_at: float | None = None) -> str:
    """A signed note of when the form for this statement was served."""
    issued = math.floor((time.time() if issued_at is None else issued_at) * 10) / 10
    return _signer("stamp").dumps([statement_id, issued])


def stamp_age(stamp: str | None, statement_id: int) -> float | None:
    """Seconds since the form was served, or None if the stamp is missing or forged."""
    if not stamp or len(stamp) > 256:
        return None
    try:
        value = _signer("stamp").loads(stamp)
    except BadData:
        return None
    if (
        not isinstance(value, list)
        or len(value) != 2
        or value[0] != statement_id
        or not isinstance(value[1], int | float)
        or isinstance(value[1], bool)
    ):
        return None
    return time.time() - value[1]
