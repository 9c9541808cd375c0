"""Scheduled statements: published with a date still to come, public from that date
by themselves. Before it, no public path shows one (its page, comments, lists,
counts, feeds, sitemap, search, archives, other versions' links); when it comes —
the app's clock moved on, with nothing written and no revision moved — every
page shows it, those already cached too."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from ngo import models
from ngo.extensions import db
from ngo.i18n import local
from ngo.models import SiteRevision, Statement, utcnow
from tests.staff import signed_in

WORD = "zephyrine"
# Every public page that may show the scheduled statement, read (and so cached)
# before its date and again after it.
LISTS = (
    "/",
    "/statements",
    "/category/rights",
    "/organisations/future-org",
    "/feed.atom",
    "/category/rights/feed.atom",
    "/organisations/future-org/feed.atom",
    "/sitemap.xml",
    "/hy/",
)


@pytest.fixture
def scheduled(app, make_statement):
    """A public statement, a scheduled one a day ahead in the same category with
    a signatory of its own, and a scheduled Armenian version of the public one."""
    make_statement(
        title="Already public",
        slug="already-public",
        categories=["Rights"],
        signatories=["Present Org"],
        published_at=utcnow() - timedelta(days=3),
    )
    make_statement(
        title="Coming tomorrow",
        slug="coming-tomorrow",
        body=f"<p>A {WORD} appeal.</p>",
        categories=["Rights"],
        signatories=["Future Org"],
        published_at=utcnow() + timedelta(days=1),
    )
    make_statement(
        title="Վաղը",
        slug="vaghy",
        language="hy",
        published_at=utcnow() + timedelta(days=1),
    )
    with app.app_context():
        public = db.session.scalar(
            db.select(Statement).where(Statement.slug == "already-public")
        )
        version = db.session.scalar(
            db.select(Statement).where(Statement.slug == "vaghy")
        )
        public.translation_group = version.translation_group = public.id
        db.session.commit()
    return app


def revisions(app) -> tuple:
    """The site row's numbers and every statement's revision."""
    with app.app_context():
        row = db.session.get(SiteRevision, 1)
        site = (row.revision, row.frame_revision) if row else (0, 0)
        return site, sorted(db.session.execute(db.select(Statement.revision)).all())


def time_passes(app, monkeypatch, days: int = 2) -> None:
    """The clock moves on `days` (every "now" of the app is ngo.models.utcnow's),
    and nothing is written: no revision moves, no stored date changes."""
    before = revisions(app)
    shift = timedelta(days=days)

    class Later(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime.now(tz) + shift

    monkeypatch.setattr(models, "datetime", Later)
    assert utcnow() > datetime.now(UTC) + shift - timedelta(minutes=1)
    assert revisions(app) == before


def site_time(app, moment):
    """A moment in the site's time zone."""
    with app.app_context():
        return local(moment)


def text(response) -> str:
    return response.get_data(as_text=True)


def test_a_scheduled_statement_is_nowhere_public_before_its_date(scheduled, client):
    assert client.get("/statements/coming-tomorrow").status_code == 404
    assert client.get("/statements/coming-tomorrow/comments.atom").status_code == 404
    posted = client.post(
        "/statements/coming-tomorrow/comments",
        data={"comment": "Early", "author": "Ani", "email": "ani@example.org"},
    )
    assert posted.status_code == 404
    for path in LISTS:
        response = client.get(path)
        assert "Coming tomorrow" not in text(response), path
        assert "coming-tomorrow" not in text(response), path
    assert client.get("/organisations/future-org").status_code in (200, 404)
    organisations = text(client.get("/organisations"))
    assert "Present Org" in organisations and "Future Org" not in organisations
    found = text(client.get(f"/search?q={WORD}"))
    assert "Coming tomorrow" not in found
    # The archive: its month is not listed (unless the public one shares it) and
    # the months' counts leave it out.
    month = site_time(scheduled, utcnow() + timedelta(days=1))
    archive = text(client.get("/archive"))
    assert f"/archive/{month.year}/{month.month:02d}" not in archive or (
        "(1 statement)" in archive and "2 statements" not in archive
    )
    # The public statement does not link its Armenian version yet.
    page = text(client.get("/statements/already-public"))
    assert "vaghy" not in page and "Also in:" not in page


def test_when_its_date_comes_it_is_everywhere_cached_pages_too(
    scheduled, client, monkeypatch
):
    cached = {path: client.get(path) for path in (*LISTS, "/archive")}
    statement_page = client.get("/statements/already-public")
    time_passes(scheduled, monkeypatch)
    page = client.get("/statements/coming-tomorrow")
    assert page.status_code == 200 and "Coming tomorrow" in text(page)
    for path in LISTS:
        response = client.get(path)
        assert response.status_code == 200, path
        assert "coming-tomorrow" in text(response), path
        assert text(response) != text(cached[path]), path
    assert "Future Org" in text(client.get("/organisations"))
    assert "Coming tomorrow" in text(client.get(f"/search?q={WORD}"))
    due = site_time(scheduled, datetime.now(UTC) + timedelta(days=1))
    month = f"/archive/{due.year}/{due.month:02d}"
    assert month in text(client.get("/archive"))
    assert "Coming tomorrow" in text(client.get(month))
    linked = text(client.get("/statements/already-public"))
    assert linked != text(statement_page)
    assert "/hy/statements/vaghy" in linked and "Also in:" in linked
    assert client.get("/statements/coming-tomorrow/comments.atom").status_code == 200


def test_a_feed_reader_holding_the_old_copy_gets_the_new_one(
    scheduled, client, monkeypatch
):
    first = client.get("/feed.atom")
    etag = first.headers["ETag"]
    assert client.get("/feed.atom", headers={"If-None-Match": etag}).status_code == 304
    time_passes(scheduled, monkeypatch)
    again = client.get("/feed.atom", headers={"If-None-Match": etag})
    assert again.status_code == 200 and "Coming tomorrow" in text(again)
    assert again.headers["ETag"] != etag


def test_comments_open_when_its_date_comes(scheduled, client, monkeypatch):
    time_passes(scheduled, monkeypatch)
    posted = client.post(
        "/statements/coming-tomorrow/comments",
        data={"comment": "On time", "author": "Ani", "email": "ani@example.org"},
    )
    assert posted.status_code == 303


def test_editors_preview_a_scheduled_statement_marked_with_its_date(scheduled):
    editor = signed_in(scheduled, scheduled.test_client(), "editor")
    page = editor.get("/statements/coming-tomorrow")
    assert page.status_code == 200
    assert "Scheduled" in text(page) and "Draft" not in text(page)
    assert "noindex" in page.headers.get("X-Robots-Tag", "")
    assert "no-store" in page.headers["Cache-Control"]
    listed = text(editor.get("/admin/statements"))
    assert "Scheduled for" in listed
    # The reader's next request is not served the editor's preview.
    assert scheduled.test_client().get("/statements/coming-tomorrow").status_code == 404


def test_the_admin_list_shows_scheduled_ones_apart(scheduled):
    editor = signed_in(scheduled, scheduled.test_client(), "editor")

    def listed(status):
        """The titles the admin list shows with this filter, and its text."""
        page = editor.get(f"/admin/statements?status={status}")
        html = page.get_data(as_text=True)
        edit_links = r'href="/admin/statements/\d+/edit"[^>]*>([^<]+)</a>'
        return sorted(re.findall(edit_links, html)), text(page)

    titles, page = listed("scheduled")
    assert titles == ["Coming tomorrow", "Վաղը"]
    assert "2 statements (scheduled), newest first" in page
    assert '<option value="scheduled" selected>' in editor.get(
        "/admin/statements?status=scheduled"
    ).get_data(as_text=True)
    assert listed("published")[0] == ["Already public"]


def test_saving_with_a_later_date_schedules_and_today_publishes_now(app, client):
    editor = signed_in(app, app.test_client(), "editor")
    form = {
        "title": "Tomorrow's appeal",
        "slug": "tomorrows-appeal",
        "body": "Soon.",
        "language": "en",
        "status": "published",
        "comments_open": "y",
        "save": "Save",
    }
    later = site_time(app, utcnow() + timedelta(days=2)).date().isoformat()
    saved = editor.post("/admin/statements/new", data=form | {"date": later})
    assert saved.status_code == 303
    editing = text(editor.get(saved.headers["Location"]))
    assert "Scheduled for" in editing
    assert client.get("/statements/tomorrows-appeal").status_code == 404
    # Today, in the site's time zone (a day ahead of UTC in its evening), is now.
    for today in {site_time(app, utcnow()).date(), utcnow().date()}:
        slug = f"today-{today.isoformat()}"
        form |= {"title": f"Today {today}", "slug": slug, "date": today.isoformat()}
        assert editor.post("/admin/statements/new", data=form).status_code == 303
        assert client.get(f"/statements/{slug}").status_code == 200


def test_its_old_wordpress_address_moves_only_from_its_date(
    scheduled, client, monkeypatch
):
    from ngo.models import OldAddress
    from ngo.old_addresses import address_key

    with scheduled.app_context():
        coming = db.session.scalar(
            db.select(Statement).where(Statement.slug == "coming-tomorrow")
        )
        db.session.add(
            OldAddress(
                path=address_key("/2030/01/01/coming/"),
                target_kind="statement",
                target_id=coming.id,
            )
        )
        db.session.commit()
    assert client.get("/2030/01/01/coming/").status_code == 404
    time_passes(scheduled, monkeypatch)
    moved = client.get("/2030/01/01/coming/")
    assert moved.status_code == 301
    assert moved.headers["Location"].endswith("/statements/coming-tomorrow")
