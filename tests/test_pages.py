"""Simple pages (About, Contact): served at /pages/<slug> from the page cache,
managed by editors in the admin (audited, CSRF-checked), linked from the footer,
seeded by `flask seed-demo`."""

import re

import pytest

from ngo.extensions import db
from ngo.markup import render_body
from ngo.models import AuditLog, Page
from tests.staff import signed_in, text_of


def add_page(app, slug="about", title="About us", markdown="We *defend* rights."):
    """Store a page as the admin would."""
    with app.app_context():
        db.session.add(
            Page(
                slug=slug,
                title=title,
                body_markdown=markdown,
                body=str(render_body(markdown)),
            )
        )
        db.session.commit()


def page_form(**overrides):
    """A complete, valid page form."""
    return {"title": "About us", "slug": "", "body": "Who we are."} | overrides


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


def test_the_footer_links_about_and_contact(app, client, make_statement):
    make_statement()
    html = client.get("/").get_data(as_text=True)
    footer = html[html.index('<footer class="site-footer"') :]
    assert 'href="/pages/about"' in footer and 'href="/pages/contact"' in footer
    assert ">About</a>" in footer and ">Contact</a>" in footer


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
