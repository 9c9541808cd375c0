"""Simple pages (About, Contact): served at /pages/<slug> from the page cache,
managed by editors in the admin (audited, CSRF-checked), linked from the footer,
seeded by `flask seed-demo`."""

import logging
import re
from html.parser import HTMLParser

import pytest
from flask_migrate import upgrade

from ngo import create_app
from ngo.extensions import db
from ngo.markup import render_body
from ngo.models import AuditLog, Page
from tests.staff import signed_in, text_of


def add_page(
    app,
    slug="about",
    title="About us",
    markdown="We *defend* rights.",
    position=0,
    in_footer=True,
):
    """Store a page as the admin would."""
    with app.app_context():
        db.session.add(
            Page(
                slug=slug,
                title=title,
                body_markdown=markdown,
                body=str(render_body(markdown)),
                position=position,
                in_footer=in_footer,
            )
        )
        db.session.commit()


def page_form(**overrides):
    """A complete, valid page form (linked from the footer, first)."""
    form = {"title": "About us", "slug": "", "body": "Who we are."}
    return form | {"in_footer": "y", "position": "0"} | overrides


class _FooterReader(HTMLParser):
    """The site footer's paragraphs, each a list of its text and links."""

    def __init__(self):
        super().__init__()
        self.paragraphs, self._in_footer, self._link = [], False, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "footer" and attrs.get("class") == "site-footer":
            self._in_footer = True
        elif self._in_footer and tag == "p":
            self.paragraphs.append({"text": "", "links": []})
        elif self._in_footer and tag == "a":
            self._link = [attrs["href"], "", attrs.get("aria-current")]

    def handle_endtag(self, tag):
        if tag == "footer":
            self._in_footer = False
        elif tag == "a" and self._link is not None:
            self.paragraphs[-1]["links"].append(tuple(self._link))
            self._link = None

    def handle_data(self, data):
        if self._in_footer and self.paragraphs:
            self.paragraphs[-1]["text"] += data
            if self._link is not None:
                self._link[1] += data


def footer(response) -> list[dict]:
    """The paragraphs of a response's site footer: their text and (href, text,
    aria-current) links."""
    assert response.status_code == 200, response.status_code
    reader = _FooterReader()
    reader.feed(response.get_data(as_text=True))
    return reader.paragraphs


def footer_pages(response) -> list[tuple[str, str]]:
    """The (title, address) of the simple pages the footer links, in order."""
    return [
        (text, href)
        for paragraph in footer(response)
        for href, text, _ in paragraph["links"]
        if href.startswith("/pages/")
    ]


def current_in_footer(response) -> list[str]:
    """The addresses the footer marks aria-current."""
    return [
        href
        for paragraph in footer(response)
        for href, _, current in paragraph["links"]
        if current == "page"
    ]


def page_id_of(app, slug) -> int:
    """The id of the page with this slug."""
    with app.app_context():
        return db.session.scalar(db.select(Page.id).where(Page.slug == slug))


def test_a_page_is_served_with_its_title_and_clean_body(app, client):
    add_page(app, markdown="We *defend* rights.\n\n<script>alert(1)</script>")
    response = client.get("/pages/about")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<h1" in html and "About us" in html
    assert "<em>defend</em>" in html and "<script>alert" not in html


@pytest.mark.parametrize("path", ["/pages/nothing-here", "/pages/", "/pages/About"])
def test_unknown_pages_are_404(client, path):
    response = client.get(path)
    assert response.status_code == 404


def test_a_cached_page_costs_one_query_and_an_edit_shows_at_once(
    app, editor, count_queries
):
    add_page(app)
    reader = app.test_client()
    assert reader.get("/pages/about").status_code == 200
    with count_queries() as queries:
        assert reader.get("/pages/about").status_code == 200
    assert len(queries) == 1 and "site_revision" in queries[0]
    with app.app_context():
        page_id = db.session.scalar(db.select(Page.id))
    response = editor.post(
        f"/admin/pages/{page_id}/edit",
        data=page_form(slug="about", body="Our new words."),
    )
    assert response.status_code == 303
    assert "Our new words." in text_of(reader.get("/pages/about"))


def test_editors_create_edit_and_delete_pages_audited(app, editor):
    assert "There are no pages yet." in text_of(editor.get("/admin/pages"))
    form = editor.get("/admin/pages/new")
    assert form.status_code == 200
    for label in ("Title", "Slug", "Body", "Save"):
        assert label in text_of(form)
    created = editor.post("/admin/pages/new", data=page_form(title="Contact us"))
    assert created.status_code == 303
    page_id = int(re.search(r"/admin/pages/(\d+)/edit", created.location).group(1))
    assert "contact-us" in text_of(editor.get("/admin/pages"))
    assert "Who we are." in text_of(editor.get("/pages/contact-us"))
    renamed = editor.post(
        f"/admin/pages/{page_id}/edit",
        data=page_form(title="Contact", slug="contact", body="Write to us."),
    )
    assert renamed.status_code == 303
    assert editor.get("/pages/contact-us").status_code == 404
    assert "Write to us." in text_of(editor.get("/pages/contact"))
    deleted = editor.post(f"/admin/pages/{page_id}/delete")
    assert deleted.status_code == 303
    assert editor.get("/pages/contact").status_code == 404
    with app.app_context():
        actions = db.session.scalars(
            db.select(AuditLog.action).order_by(AuditLog.id)
        ).all()
    assert actions == ["page.create", "page.update", "page.delete"]


def test_bad_page_forms_keep_the_text_and_answer_422(app, editor):
    add_page(app, slug="about")
    taken = editor.post(
        "/admin/pages/new", data=page_form(slug="about", body="Typed text.")
    )
    assert taken.status_code == 422
    assert "already uses this slug" in text_of(taken)
    assert "Typed text." in taken.get_data(as_text=True)
    empty = editor.post("/admin/pages/new", data=page_form(title="", body=""))
    assert empty.status_code == 422
    assert "Enter a title." in text_of(empty)
    bad_slug = editor.post("/admin/pages/new", data=page_form(slug="Not a slug!"))
    assert bad_slug.status_code == 422


def test_moderators_and_strangers_cannot_manage_pages(app, client):
    add_page(app)
    assert client.get("/admin/pages").status_code in (302, 303)
    moderator = signed_in(app, app.test_client(), "moderator")
    assert moderator.get("/admin/pages").status_code == 403
    assert moderator.post("/admin/pages/1/delete").status_code == 403
    assert client.get("/pages/about").status_code == 200


def test_page_posts_need_a_csrf_token(app, editor):
    add_page(app)
    app.config["WTF_CSRF_ENABLED"] = True  # checked per request, as in production
    assert editor.post("/admin/pages/new", data=page_form()).status_code == 400
    assert editor.post("/admin/pages/1/edit", data=page_form()).status_code == 400
    assert editor.post("/admin/pages/1/delete").status_code == 400
    assert editor.get("/pages/about").status_code == 200


def test_seed_demo_adds_about_and_contact_once(app, runner, client):
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "Demo pages: 2 added." in first.output
    second = runner.invoke(args=["seed-demo"])
    assert "Demo pages: 0 added." in second.output
    for path, words in (("/pages/about", "About"), ("/pages/contact", "Contact")):
        response = client.get(path)
        assert response.status_code == 200 and words in text_of(response)
    assert footer_pages(client.get("/")) == [
        ("About", "/pages/about"),
        ("Contact", "/pages/contact"),
    ]


def test_the_footer_links_the_pages_in_their_order_then_organisations(
    app, client, make_statement
):
    make_statement(signatories=["Peace Dialogue"])
    add_page(app, slug="contact", title="Contact", position=2)
    add_page(app, slug="about", title="About", position=1)
    add_page(app, slug="press", title="Press", position=1)  # a tie: by title
    add_page(app, slug="notes", title="Notes", position=0, in_footer=False)
    home = client.get("/")
    assert footer_pages(home) == [
        ("About", "/pages/about"),
        ("Press", "/pages/press"),
        ("Contact", "/pages/contact"),
    ]
    href, text, _ = footer(home)[-1]["links"][-1]
    assert (href, text) == ("/organisations", "Organisations")
    assert current_in_footer(home) == []
    assert current_in_footer(client.get("/pages/press")) == ["/pages/press"]
    assert current_in_footer(client.get("/organisations")) == ["/organisations"]
    # A page left out of the footer is still served at its address.
    notes = client.get("/pages/notes")
    assert "Notes" in text_of(notes) and current_in_footer(notes) == []


def test_without_pages_the_footer_has_no_empty_paragraph(client, make_statement):
    slug = make_statement()
    for path in ("/", f"/statements/{slug}", "/organisations"):
        response = client.get(path)
        assert footer_pages(response) == []
        for paragraph in footer(response):
            words = paragraph["text"].split()
            assert words and words[0] != "·", (path, paragraph)
        assert footer(response)[-1]["text"].split() == ["Organisations"]


def test_pages_written_in_the_admin_show_at_once_in_the_footer_of_cached_pages(
    app, editor, make_statement
):
    slug = make_statement()
    add_page(app, slug="about", title="About", position=1)
    reader = app.test_client()
    paths = ("/", f"/statements/{slug}", "/pages/about")

    def footers():
        """The footer's pages on each path, as a reader without a session sees them."""
        return {path: footer_pages(reader.get(path)) for path in paths}

    def everywhere(*links):
        return dict.fromkeys(paths, list(links))

    about = ("About", "/pages/about")
    assert footers() == everywhere(about)  # each page now in the reader's cache

    created = editor.post(
        "/admin/pages/new", data=page_form(title="Press", position="5")
    )
    assert created.status_code == 303
    assert footers() == everywhere(about, ("Press", "/pages/press"))
    press = page_id_of(app, "press")

    def edit(**fields):
        form = page_form(title="Press", slug="press", position="5") | fields
        response = editor.post(f"/admin/pages/{press}/edit", data=form)
        assert response.status_code == 303, text_of(response)

    edit(title="Press room")
    assert footers() == everywhere(about, ("Press room", "/pages/press"))
    edit(title="Press room", slug="newsroom")
    assert footers() == everywhere(about, ("Press room", "/pages/newsroom"))
    assert reader.get("/pages/press").status_code == 404
    edit(title="Press room", slug="newsroom", position="0")  # reordered
    assert footers() == everywhere(("Press room", "/pages/newsroom"), about)
    edit(title="Press room", slug="newsroom", position="0", in_footer="")
    assert footers() == everywhere(about)
    assert "Who we are." in text_of(reader.get("/pages/newsroom"))
    edit(title="Press room", slug="newsroom", position="0", in_footer="y")
    assert footers() == everywhere(("Press room", "/pages/newsroom"), about)

    deleted = editor.post(f"/admin/pages/{press}/delete")
    assert deleted.status_code == 303
    assert footers() == everywhere(about)
    with app.app_context():
        details = db.session.scalars(
            db.select(AuditLog.details).where(AuditLog.action == "page.update")
        ).all()
    assert "position: 5 → 0" in details[2] and "in_footer: yes → no" in details[3]


def test_a_page_served_again_runs_no_query_for_the_footer(
    app, make_statement, count_queries
):
    slug = make_statement()
    add_page(app, slug="about", title="About", position=1)
    reader = app.test_client()
    footer_query = re.compile(r"FROM\s+page\s+WHERE\s+page\.in_footer", re.I)
    for path in ("/", f"/statements/{slug}", "/pages/about", "/organisations"):
        app.extensions["pages"].clear()
        with count_queries() as rendered:
            first = reader.get(path)
        with count_queries() as again:
            second = reader.get(path)
        assert (
            footer_pages(first) == footer_pages(second) == [("About", "/pages/about")]
        )
        assert len([q for q in rendered if footer_query.search(q)]) == 1, path
        assert len(again) == 1 and not footer_query.search(again[0]), (path, again)


def test_a_page_s_text_alone_leaves_cached_statement_pages_as_they_are(
    app, editor, make_statement, count_queries
):
    slug = make_statement()
    add_page(app, slug="about", title="About", position=1)
    about = page_id_of(app, "about")
    reader = app.test_client()
    reader.get(f"/statements/{slug}")
    response = editor.post(
        f"/admin/pages/{about}/edit",
        data=page_form(title="About", slug="about", position="1", body="New words."),
    )
    assert response.status_code == 303
    with count_queries() as queries:
        footer_pages(reader.get(f"/statements/{slug}"))
    assert len(queries) == 1, queries  # still the page from the cache
    assert "New words." in text_of(reader.get("/pages/about"))


def test_the_admin_lists_pages_in_footer_order_and_a_new_page_comes_last(app, editor):
    add_page(app, slug="contact", title="Contact", position=2)
    add_page(app, slug="about", title="About", position=1)
    add_page(app, slug="notes", title="Notes", position=0, in_footer=False)
    html = editor.get("/admin/pages").get_data(as_text=True)
    rows = re.findall(
        r"<tr>\s*<td>(\d+)</td>\s*<th[^>]*><a[^>]*>([^<]+)</a></th>.*?"
        r"<td>(Yes|No)</td>",
        html,
        re.S,
    )
    assert rows == [
        ("0", "Notes", "No"),
        ("1", "About", "Yes"),
        ("2", "Contact", "Yes"),
    ]
    assert "Position" in html and "In the footer" in html
    new = editor.get("/admin/pages/new").get_data(as_text=True)
    position = re.search(r'<input[^>]*name="position"[^>]*>', new).group(0)
    in_footer = re.search(r'<input[^>]*name="in_footer"[^>]*>', new).group(0)
    assert 'value="3"' in position and "checked" in in_footer
    for label in ("Linked from the footer", "Position"):
        assert f">{label}</label>" in new


@pytest.mark.parametrize("position", ["", "-1", "first", "100001", "1e999"])
def test_a_bad_position_answers_422_and_changes_no_footer(app, editor, position):
    response = editor.post("/admin/pages/new", data=page_form(position=position))
    assert response.status_code == 422
    assert "Enter a number" in text_of(response)
    assert footer_pages(app.test_client().get("/statements")) == []


@pytest.fixture
def loggers_kept():
    """Undo what upgrade() does to logging: alembic.ini's fileConfig disables every
    logger that exists, so later tests in this worker would see no app log."""
    loggers = [
        logger
        for logger in logging.root.manager.loggerDict.values()
        if isinstance(logger, logging.Logger)
    ]
    disabled = {logger: logger.disabled for logger in loggers}
    yield
    for logger, was in disabled.items():
        logger.disabled = was


def test_the_migration_keeps_about_and_contact_first_in_the_footer(
    tmp_path, loggers_kept
):
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.db'}", "SECRET_KEY": "x"}
    )
    with app.app_context():
        upgrade(revision="0008_pages")
        for slug, title in (
            ("team", "Team"),
            ("contact", "Contact"),
            ("about", "About"),
        ):
            db.session.execute(
                db.text(
                    "INSERT INTO page (slug, title, body_markdown, body, updated_at) "
                    "VALUES (:slug, :title, '', '', CURRENT_TIMESTAMP)"
                ),
                {"slug": slug, "title": title},
            )
        db.session.commit()
        upgrade()
    assert footer_pages(app.test_client().get("/pages/team")) == [
        ("About", "/pages/about"),
        ("Contact", "/pages/contact"),
        ("Team", "/pages/team"),
    ]
