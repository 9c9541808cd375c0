"""The demo site's About and Contact pages, for `flask seed-demo` (written for this
project; an organisation replaces them in the admin)."""

from ngo.extensions import db
from ngo.markup import render_body
from ngo.models import Page
from ngo.revisions import move_site_on

DEMO_PAGES = {
    "about": (
        "About",
        """This site publishes the statements, appeals and joint letters of
civil-society organisations working for human rights.

Each statement shows the organisations that signed it. Readers may leave a
comment; comments are read by a moderator before they appear.

## Accessibility

Every page can be read with large text, a chosen font, spacing and colours: use
the accessibility toolbar at the top of any page. Everything works without
JavaScript.
""",
    ),
    "contact": (
        "Contact",
        """Write to the editors at **editors@example.org** about a statement, to
propose a joint appeal, or to add your organisation's signature.

We answer within a week. Please do not send personal data you would not want
stored.
""",
    ),
}


def seed_demo_pages() -> int:
    """Add the demo pages that are not there yet (in the footer, About first); how
    many were added."""
    existing = set(db.session.scalars(db.select(Page.slug)))
    added = 0
    for position, (slug, (title, markdown)) in enumerate(DEMO_PAGES.items(), start=1):
        if slug in existing:
            continue
        body = str(render_body(markdown))
        db.session.add(
            Page(
                slug=slug,
                title=title,
                body_markdown=markdown,
                body=body,
                position=position,
            )
        )
        added += 1
    if added:
        move_site_on()
    return added
