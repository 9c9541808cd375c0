"""Lists in pages: the `?page=` number and one page of a query, public and admin."""

from flask import abort, request

from ngo.extensions import db


def page_number() -> int:
    """The `?page=` number: a positive integer or a 404."""
    raw = request.args.get("page", "1")
    if not raw.isascii() or not raw.isdigit() or len(raw) > 6 or int(raw) < 1:
        abort(404)
    return int(raw)


def paginate(query, per_page: int):
    """One page of a list; a page past the end is 404 (page 1 may be empty)."""
    pagination = db.paginate(
        query, page=page_number(), per_page=per_page, error_out=False
    )
    if pagination.page > 1 and not pagination.items:
        abort(404)
    return pagination
