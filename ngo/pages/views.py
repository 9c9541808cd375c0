"""The public view of a simple page, served from the page cache like the lists.

A page is cached under the site revision (ngo.statements.views.list_page), which
every change to a page moves on (ngo.admin.pages; ngo.revisions moves the frame
revision too when what the footer shows of it changed).
"""

from flask import Blueprint

from ngo.extensions import db
from ngo.models import Page
from ngo.pages.footer import footer_pages
from ngo.statements.views import list_page

bp = Blueprint("pages", __name__, url_prefix="/pages")
# The footer of every page asks for the pages it links (queried only when asked).
bp.add_app_template_global(footer_pages)


@bp.get("/<slug>")
def show(slug):
    """One simple page, or 404 for a slug no page has."""
    return list_page(
        "pages/show.html",
        lambda: {"page": db.first_or_404(db.select(Page).where(Page.slug == slug))},
    )
