"""The simple pages the footer of every page links, loaded once per request.

Like the category tree (ngo.statements.tree), the list is part of the page's frame:
a page served from the cache (ngo.pagecache) was rendered with it and costs no
query for it, and every change to a page's title, slug, position or place in the
footer moves the frame revision on (ngo.revisions), so each cached page is rendered
again with the new footer.
"""

from __future__ import annotations

from typing import NamedTuple

from flask import g
from sqlalchemy.exc import SQLAlchemyError

from ngo.extensions import db
from ngo.models import Page


class FooterLink(NamedTuple):
    """A page as the footer links it."""

    slug: str
    title: str


def footer_pages() -> list[FooterLink]:
    """The pages in the footer, in their order, for this request: one query at most."""
    if "footer_pages" not in g:
        query = (
            db.select(Page.slug, Page.title)
            .where(Page.in_footer)
            .order_by(Page.position, Page.title, Page.id)
        )
        try:
            g.footer_pages = [FooterLink(*row) for row in db.session.execute(query)]
        except SQLAlchemyError:
            # Only an error page can get here with the database down: render it bare.
            db.session.rollback()
            g.footer_pages = []
    return g.footer_pages
