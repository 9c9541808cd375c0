"""Revisions: a statement's moves only when its page changed; the site's is one row."""

import re

import pytest
from sqlalchemy import select

from ngo.extensions import db
from ngo.models import Category, Organisation, Statement
from ngo.revisions import (
    frame_revision,
    move_site_on,
    site_revision,
    site_revision_column,
)


def revisions(app, slug=None):
    """(site revision, frame revision, the statement's revision if a slug is given)."""
    with app.app_context():
        own = None
        if slug is not None:
            own = db.session.scalar(
                select(Statement.revision).where(Statement.slug == slug)
            )
        return site_revision(), frame_revision(), own


def statement(slug):
    """The statement of that slug, in the current session."""
    return db.session.scalar(select(Statement).where(Statement.slug == slug))


def updates_of_statements(statements):
    """The UPDATEs of the statement table among recorded SQL."""
    return [s for s in statements if re.match(r"\s*UPDATE statement\b", s)]


def test_the_site_revision_is_one_cheap_read(app, count_queries):
    with app.app_context():
        with count_queries() as statements:
            assert site_revision() == 0
        assert len(statements) == 1 and "site_revision" in statements[0]


def test_a_published_statement_moves_the_site_on_and_a_draft_does_not(
    app, make_statement
):
    make_statement(status="draft")
    assert revisions(app)[:2] == (0, 0)
    make_statement()
    assert revisions(app)[:2] == (1, 0)


def test_editing_a_published_statement_moves_its_revision_and_the_site(
    app, make_statement
):
    slug = make_statement(title="Before")
    site, frame, own = revisions(app, slug)
    with app.app_context():
        statement(slug).title = "After"
        db.session.commit()
    assert revisions(app, slug) == (site + 1, frame, own + 1)


def test_the_same_values_assigned_again_move_nothing(app, make_statement):
    slug = make_statement(title="Same", signatories=["Org A"], categories=["Rights"])
    before = revisions(app, slug)
    with app.app_context():
        row = statement(slug)
        row.title = "Same"
        row.set_signatories([s.organisation for s in row.signatures])
        row.set_categories([link.category for link in row.category_links])
        row.signatures[0].organisation.website = None  # as it was
        db.session.commit()
    assert revisions(app, slug) == before


def test_the_views_counter_moves_nothing(app, make_statement):
    slug = make_statement()
    before = revisions(app, slug)
    with app.app_context():
        statement(slug).views = 504
        db.session.commit()
    assert revisions(app, slug) == before


def test_editing_a_draft_moves_its_revision_but_not_the_site(app, make_statement):
    slug = make_statement(status="draft")
    site, frame, own = revisions(app, slug)
    with app.app_context():
        statement(slug).body = "<p>New draft body.</p>"
        db.session.commit()
    assert revisions(app, slug) == (site, frame, own + 1)
    with app.app_context():
        statement(slug).status = "published"
        db.session.commit()
    assert revisions(app, slug) == (site + 1, frame, own + 2)
    with app.app_context():
        statement(slug).status = "draft"  # unpublished: lists drop it
        db.session.commit()
    assert revisions(app, slug) == (site + 2, frame, own + 3)


@pytest.mark.parametrize(
    "model, old, field, new",
    [
        (Organisation, "Peace Dialogue", "name", "Peace Dialogue Network"),
        (Organisation, "Peace Dialogue", "website", "https://peace.example"),
        (Category, "Rights", "name", "Human Rights"),
        (Category, "Rights", "position", 7),
    ],
)
def test_a_site_wide_change_moves_one_row_and_no_statement(
    app, make_statement, count_queries, model, old, field, new
):
    slugs = [
        make_statement(categories=["Rights"], signatories=["Peace Dialogue"])
        for _ in range(3)
    ]
    site, frame, _ = revisions(app)
    own = [revisions(app, slug)[2] for slug in slugs]
    with app.app_context():
        row = db.session.scalar(select(model).where(model.name == old))
        with count_queries() as statements:
            setattr(row, field, new)
            db.session.commit()
    assert updates_of_statements(statements) == []
    assert revisions(app)[:2] == (site + 1, frame + 1)
    assert [revisions(app, slug)[2] for slug in slugs] == own


def test_a_new_signature_does_not_move_the_organisation_s_other_statements(
    app, make_statement
):
    first = make_statement(signatories=["Shared Org"])
    second = make_statement(signatories=["Other Org"])
    site, frame, own_first = revisions(app, first)
    own_second = revisions(app, second)[2]
    with app.app_context():
        row = statement(second)
        shared = db.session.scalar(
            select(Organisation).where(Organisation.name == "Shared Org")
        )
        row.set_signatories([s.organisation for s in row.signatures] + [shared])
        shared.website = shared.website  # re-assigned, unchanged
        db.session.commit()
    assert revisions(app, first) == (site + 1, frame, own_first)
    assert revisions(app, second)[2] == own_second + 1


def test_a_new_organisation_or_category_moves_the_frame(app, make_statement):
    make_statement()
    site, frame, _ = revisions(app)
    with app.app_context():
        db.session.add(Organisation(name="New Org", slug="new-org"))
        db.session.commit()
    assert revisions(app)[:2] == (site + 1, frame + 1)


def test_bulk_changes_say_so_and_the_row_moves_once_per_transaction(app):
    with app.app_context():
        move_site_on()
        move_site_on()
        db.session.commit()
        assert (site_revision(), frame_revision()) == (1, 0)
        move_site_on(frame=True)
        db.session.rollback()
        assert (site_revision(), frame_revision()) == (1, 0)
        db.session.commit()  # nothing noted is left over from the rollback
        assert (site_revision(), frame_revision()) == (1, 0)
        move_site_on(frame=True)
        db.session.commit()
        assert (site_revision(), frame_revision()) == (2, 1)


def test_the_revision_folds_into_another_query(app, make_statement):
    slug = make_statement()
    with app.app_context():
        row = db.session.execute(
            select(Statement.id, site_revision_column()).where(Statement.slug == slug)
        ).one()
        assert row.site_revision == site_revision() == 1


def test_a_missing_row_reads_as_zero_and_is_made_again(app):
    with app.app_context():
        db.session.execute(db.text("DELETE FROM site_revision"))
        db.session.commit()
        assert site_revision() == 0
        move_site_on(frame=True)
        db.session.commit()
        assert (site_revision(), frame_revision()) == (1, 1)


def test_approving_a_comment_moves_its_statement_and_the_site(app, make_statement):
    from ngo.comments.moderation import set_status
    from ngo.models import Comment

    slug = make_statement()
    with app.app_context():
        db.session.add(
            Comment(
                statement_id=statement(slug).id,
                author_name="Ani",
                author_email="ani@example.org",
                body="<p>Held.</p>",
                body_hash="x",
            )
        )
        db.session.commit()
    site, frame, own = revisions(app, slug)
    with app.app_context():
        assert set_status(db.session.scalars(select(Comment)).one(), "approved")
        db.session.commit()
    assert revisions(app, slug) == (site + 1, frame, own + 1)
