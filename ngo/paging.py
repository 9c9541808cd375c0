"""Lists in pages: the `?page=` number and one page of a list, public and admin."""

from __future__ import annotations

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


class PageOfList:
    """One page of a list whose length is known without counting it (a kept
    count): what the templates' pager reads, as Flask-SQLAlchemy's pagination."""

    def __init__(self, items: list, page: int, per_page: int, total: int):
        self.items = items
        self.page = page
        self.per_page = per_page
        self.total = total

    @property
    def pages(self) -> int:
        """How many pages the list has (0 when it is empty)."""
        return -(-self.total // self.per_page)

    @property
    def has_prev(self) -> bool:
        """Whether a page comes before this one."""
        return self.page > 1

    @property
    def prev_num(self) -> int | None:
        """The number of the page before, if any."""
        return self.page - 1 if self.has_prev else None

    @property
    def has_next(self) -> bool:
        """Whether a page comes after this one."""
        return self.page < self.pages

    @property
    def next_num(self) -> int | None:
        """The number of the page after, if any."""
        return self.page + 1 if self.has_next else None


def page_bounds(total: int, per_page: int) -> tuple[int, int]:
    """This request's page number and the offset of its first row; a page past
    the end of a list of `total` rows is 404 (page 1 of an empty list is not)."""
    page = page_number()
    offset = (page - 1) * per_page
    if page > 1 and offset >= total:
        abort(404)
    return page, offset
