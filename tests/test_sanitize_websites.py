"""Web addresses the URL parser cannot read ("http://[example.org]", "https://[::1")
are invalid input, never a 500: in the comment form, the admin's organisation
form, links inside comments and statements, and imported signatories."""

import pytest

from ngo.extensions import db
from ngo.models import Organisation
from ngo.sanitize import (
    clean_comment_html,
    clean_statement_html,
    plain_text,
    safe_web_url,
)
from tests.commenting import comment_id_from, form_fields, post_comment, stored

UNPARSABLE = [
    "http://[example.org]",
    "https://[::1",
    "http://[::1",
    "http://example.org]",
    "https://example.org:99999/",
    "https://example.org:port/",
    "http://:80/",
    "http://@/",
]
WEB_ADDRESS = (
    "Enter a web address that starts with http:// or https://, or leave Website empty."
)


@pytest.mark.parametrize("url", UNPARSABLE)
def test_an_unparsable_address_is_not_a_web_address(url):
    assert safe_web_url(url) is None


@pytest.mark.parametrize(
    "url", ["https://example.org/a?b=1#c", "http://[::1]/", "https://xn--p1ai.example/"]
)
def test_a_readable_address_is_kept_as_typed(url):
    assert safe_web_url(url) == url


@pytest.mark.parametrize("url", UNPARSABLE)
def test_the_comment_form_answers_422_and_keeps_everything_typed(
    client, make_statement, app, url
):
    slug = make_statement()
    typed = {
        "comment": "Kept <b>text</b>\n\nover two paragraphs.",
        "author": "Ani Reader",
        "email": "ani@example.org",
        "url": url,
    }
    response = post_comment(client, slug, **typed)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'<a href="#url">{WEB_ADDRESS}</a>' in html
    assert 'id="url-error"' in html
    kept = form_fields(html)
    for name, value in typed.items():
        assert kept[name] == value


@pytest.mark.parametrize(
    "href", ["http://[x", "https://[::1", "http://[example.org]", "http://x.org:99999"]
)
def test_a_comment_linking_to_an_unparsable_address_is_stored_as_text(
    client, make_statement, app, href
):
    slug = make_statement()
    body = f'Look <a href="{href}">here</a> and at http://[x.org]/ too.'
    response = post_comment(client, slug, comment=body)
    assert response.status_code == 303
    stored_body = stored(app, comment_id_from(response)).body
    assert "<a " not in stored_body
    assert "here" in stored_body


@pytest.mark.parametrize("href", ["http://[x", "https://[::1", "http://[example.org]"])
def test_statement_bodies_and_plain_text_take_unparsable_links(href):
    html = f'<p><a href="{href}">x</a> and http://[y</p>'
    assert "x" in str(clean_statement_html(html))
    assert "x" in str(clean_comment_html(html))
    assert plain_text(html) == "x and http://[y"


@pytest.mark.parametrize("url", UNPARSABLE)
def test_the_organisation_form_answers_422_and_keeps_the_typed_website(
    app, editor, url
):
    response = editor.post(
        "/admin/organisations/new", data={"name": "New Org", "website": url}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Enter a web address that starts with http:// or https://" in html
    assert 'value="New Org"' in html
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Organisation.id))) == 0


def test_editing_an_organisation_to_an_unparsable_website_is_refused(
    app, editor, make_statement
):
    make_statement(signatories=["Peace Dialogue"])
    with app.app_context():
        oid = db.session.scalar(db.select(Organisation.id))
    response = editor.post(
        f"/admin/organisations/{oid}/edit",
        data={"name": "Peace Dialogue", "website": "https://[::1"},
    )
    assert response.status_code == 422
    assert "https://[::1" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Organisation, oid).website is None


def test_an_imported_signatory_with_an_unparsable_url_is_reported(runner, tmp_path):
    (tmp_path / "s.md").write_text(
        '---\ntitle: "Statement"\ndate: 2024-01-01\nsignatories:\n'
        '  - name: "Org"\n    url: "http://[example.org]"\n---\nText\n'
    )
    result = runner.invoke(args=["import-statements", str(tmp_path / "s.md")])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "is not an http(s) address" in result.output
