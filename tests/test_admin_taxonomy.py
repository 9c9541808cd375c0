"""Categories (create, rename, move, delete when unused) and organisations."""

import pytest

from ngo.extensions import db
from ngo.models import AuditLog, Category, Organisation, Statement
from tests.staff import text_of


def category(app, name) -> Category:
    """A category as stored, by name."""
    with app.app_context():
        found = db.session.scalar(db.select(Category).where(Category.name == name))
        db.session.expunge_all()
        return found


def test_create_categories_at_the_top_and_below(app, editor, client):
    response = editor.post(
        "/admin/categories/new",
        data={"name": "Rights", "slug": "", "parent": "0", "position": "1"},
    )
    assert response.status_code == 303
    rights = category(app, "Rights")
    assert rights.slug == "rights" and rights.parent_id is None
    form = editor.get(f"/admin/categories/new?parent={rights.id}").get_data(
        as_text=True
    )
    assert f'<option selected value="{rights.id}">Rights</option>' in form
    editor.post(
        "/admin/categories/new",
        data={"name": "Right to life", "parent": str(rights.id), "position": "0"},
    )
    child = category(app, "Right to life")
    assert child.parent_id == rights.id and child.slug == "right-to-life"
    text = text_of(editor.get("/admin/categories"))
    assert text.index("Rights") < text.index("Right to life")
    # The public navigation shows the new top-level category.
    assert 'href="/category/rights"' in app.test_client().get("/").get_data(
        as_text=True
    )


def test_rename_and_move_a_category(app, editor, make_statement):
    make_statement(categories=["Rights > Right to life", "Activities"])
    life, activities = category(app, "Right to life"), category(app, "Activities")
    response = editor.post(
        f"/admin/categories/{life.id}/edit",
        data={
            "name": "Right to Life",
            "slug": "right-to-life",
            "parent": str(activities.id),
            "position": "3",
        },
    )
    assert response.status_code == 303
    moved = category(app, "Right to Life")
    assert (
        moved.parent_id == activities.id
        and moved.position == 3
        and moved.slug == "right-to-life"
    )
    with app.app_context():
        entry = db.session.scalar(
            db.select(AuditLog).where(AuditLog.action == "category.update")
        )
        assert "name: Right to life → Right to Life" in entry.details
        assert "parent: Rights → Activities" in entry.details
    page = app.test_client().get("/statements/statement-1")
    assert "Activities | Right to Life" in text_of(page)


def test_a_category_cannot_move_under_itself_or_its_children(
    app, editor, make_statement
):
    make_statement(categories=["A > B > C"])
    a, c = category(app, "A"), category(app, "C")
    page = editor.get(f"/admin/categories/{a.id}/edit").get_data(as_text=True)
    select = page[
        page.index('<select id="parent"') : page.index(
            "</select>", page.index('<select id="parent"')
        )
    ]
    assert f'value="{c.id}"' not in select and "A › B" not in select  # not even offered
    response = editor.post(
        f"/admin/categories/{a.id}/edit",
        data={"name": "A", "slug": "a", "parent": str(c.id), "position": "0"},
    )
    assert response.status_code == 422
    assert category(app, "A").parent_id is None


@pytest.mark.parametrize(
    "data,message",
    [
        ({"name": ""}, "Enter a name."),
        (
            {"name": "Rights", "parent": "0"},
            "There is already a category of this name in that place: “Rights”.",
        ),
        (
            {"name": "New", "slug": "rights"},
            "The category “Rights” already uses this slug.",
        ),
        (
            {"name": "New", "slug": "Bad Slug"},
            "Use lowercase letters, digits and single hyphens only",
        ),
        ({"name": "New", "position": "-1"}, "Enter a number from 0 to 100000."),
        ({"name": "New", "position": "first"}, "Not a valid integer value."),
        ({"name": "New", "parent": "424242"}, "Not a valid choice"),
        ({"name": "New", "parent": "x"}, "Invalid Choice: could not coerce."),
    ],
)
def test_category_errors_keep_what_was_typed(
    app, editor, make_statement, data, message
):
    make_statement(categories=["Rights"])
    form = {"name": "", "slug": "", "parent": "0", "position": "0"} | data
    response = editor.post("/admin/categories/new", data=form)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    if form["name"]:
        assert f'value="{form["name"]}"' in html


def test_delete_is_refused_while_a_statement_uses_the_category(
    app, editor, make_statement
):
    make_statement(categories=["Rights > Right to life"])
    life, rights = category(app, "Right to life"), category(app, "Rights")
    response = editor.post(f"/admin/categories/{life.id}/delete")
    assert response.status_code == 409
    assert "“Right to life” cannot be deleted: 1 statement uses it." in text_of(
        response
    )
    response = editor.post(f"/admin/categories/{rights.id}/delete")
    assert response.status_code == 409
    assert "it has sub-categories" in text_of(response)
    assert category(app, "Right to life") is not None

    # The statement leaves the category; then it can go.
    with app.app_context():
        statement = db.session.scalar(db.select(Statement))
        statement.set_categories([])
        db.session.commit()
    assert editor.post(f"/admin/categories/{life.id}/delete").status_code == 303
    assert editor.post(f"/admin/categories/{rights.id}/delete").status_code == 303
    assert category(app, "Rights") is None
    with app.app_context():
        assert (
            db.session.scalar(
                db.select(db.func.count()).where(AuditLog.action == "category.delete")
            )
            == 2
        )


def test_organisations_list_edit_and_their_statements(app, editor, make_statement):
    make_statement(title="Signed one", signatories=["Article 3 Club", "Peace Dialogue"])
    make_statement(title="Signed draft", signatories=["Article 3 Club"], status="draft")
    text = text_of(editor.get("/admin/organisations"))
    assert text.index("Article 3 Club") < text.index("Peace Dialogue")
    with app.app_context():
        org = db.session.scalar(
            db.select(Organisation).where(Organisation.name == "Article 3 Club")
        )
        oid = org.id
    page = editor.get(f"/admin/organisations/{oid}/edit")
    assert "Signed one" in text_of(page) and "Signed draft" in text_of(page)
    response = editor.post(
        f"/admin/organisations/{oid}/edit",
        data={"name": "Article 3 Club (Armenia)", "website": "example.org/a3"},
    )
    assert response.status_code == 303
    with app.app_context():
        org = db.session.get(Organisation, oid)
        assert (
            org.name == "Article 3 Club (Armenia)"
            and org.website == "https://example.org/a3"
        )
        assert org.slug == "article-3-club"  # its public address stays
    public = app.test_client().get("/statements/statement-1").get_data(as_text=True)
    assert (
        "Article 3 Club (Armenia)" in public
        and 'href="https://example.org/a3"' in public
    )
    assert "Article 3 Club" in text_of(editor.get("/admin/organisations?q=club"))
    assert "Peace" not in text_of(editor.get("/admin/organisations?q=club"))


@pytest.mark.parametrize(
    "data,message",
    [
        ({"name": "", "website": ""}, "Enter a name."),
        (
            {"name": "peace dialogue", "website": ""},
            "There is already an organisation of this name: “Peace Dialogue”.",
        ),
        (
            {"name": "New Org", "website": "javascript:alert(1)"},
            "Enter a web address that starts with http:// or https://",
        ),
        (
            {"name": "New Org", "website": "ftp://example.org"},
            "Enter a web address that starts with http:// or https://",
        ),
    ],
)
def test_organisation_errors_keep_what_was_typed(
    app, editor, make_statement, data, message
):
    make_statement(signatories=["Peace Dialogue"])
    response = editor.post("/admin/organisations/new", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    if data["website"]:
        assert data["website"] in html


def test_delete_organisation_only_when_it_signs_nothing(app, editor, make_statement):
    make_statement(signatories=["Peace Dialogue"])
    editor.post("/admin/organisations/new", data={"name": "Unused Org", "website": ""})
    with app.app_context():
        ids = dict(
            db.session.execute(db.select(Organisation.name, Organisation.id)).all()
        )
    refused = editor.post(f"/admin/organisations/{ids['Peace Dialogue']}/delete")
    assert refused.status_code == 409
    assert "“Peace Dialogue” cannot be deleted: it signs 1 statement." in text_of(
        refused
    )
    assert (
        editor.post(f"/admin/organisations/{ids['Unused Org']}/delete").status_code
        == 303
    )
    with app.app_context():
        assert db.session.get(Organisation, ids["Unused Org"]) is None
        assert db.session.get(Organisation, ids["Peace Dialogue"]) is not None


def test_unknown_ids_are_404(editor):
    for path in ("/admin/categories/999/edit", "/admin/organisations/999/edit"):
        assert editor.get(path).status_code == 404
    for path in ("/admin/categories/999/delete", "/admin/organisations/999/delete"):
        assert editor.post(path).status_code == 404


@pytest.mark.parametrize(
    "existing,typed",
    [
        ("Մեմորիալ", "ՄԵՄՈՐԻԱԼ"),  # SQLite's lower() leaves Armenian alone
        ("Straße Fund", "STRASSE  FUND"),  # casefold, not lower(), and spacing
        ("Café Libre", "Cafe\u0301 Libre"),  # the same letters in another form
    ],
)
def test_organisation_names_collide_by_key_with_a_form_error(
    app, editor, make_statement, existing, typed
):
    make_statement(signatories=[existing])
    response = editor.post("/admin/organisations/new", data={"name": typed})
    assert response.status_code == 422
    assert f"There is already an organisation of this name: “{existing}”." in text_of(
        response
    )
    kept = " ".join(typed.split())  # the form keeps what was typed, on one line
    assert f'value="{kept}"' in response.get_data(as_text=True)
    editor.post("/admin/organisations/new", data={"name": "Other Org"})
    with app.app_context():
        other = db.session.scalar(
            db.select(Organisation).where(Organisation.name == "Other Org")
        )
        oid = other.id
    renamed = editor.post(f"/admin/organisations/{oid}/edit", data={"name": typed})
    assert renamed.status_code == 422
    assert "There is already an organisation of this name" in text_of(renamed)
    with app.app_context():
        assert [o.name for o in db.session.scalars(db.select(Organisation))] == [
            existing,
            "Other Org",
        ]


def test_an_organisation_may_change_the_case_of_its_own_name(
    app, editor, make_statement
):
    make_statement(signatories=["Մեմորիալ"])
    with app.app_context():
        org = db.session.scalar(db.select(Organisation))
        oid, slug = org.id, org.slug
    response = editor.post(
        f"/admin/organisations/{oid}/edit", data={"name": "ՄԵՄՈՐԻԱԼ"}
    )
    assert response.status_code == 303
    with app.app_context():
        org = db.session.get(Organisation, oid)
        assert (org.name, org.name_key, org.slug) == ("ՄԵՄՈՐԻԱԼ", "մեմորիալ", slug)


def test_category_names_collide_by_key_in_the_same_place_only(
    app, editor, make_statement
):
    make_statement(categories=["Իրավունքներ > Հայտարարություններ", "Activities"])
    rights, activities = category(app, "Իրավունքներ"), category(app, "Activities")
    form = {"slug": "", "position": "0"}
    top = editor.post(
        "/admin/categories/new", data=form | {"name": "ԻՐԱՎՈՒՆՔՆԵՐ", "parent": "0"}
    )
    assert top.status_code == 422
    assert (
        "There is already a category of this name in that place: “Իրավունքներ”."
        in text_of(top)
    )
    below = editor.post(
        "/admin/categories/new",
        data=form | {"name": "ՀԱՅՏԱՐԱՐՈՒԹՅՈՒՆՆԵՐ", "parent": str(rights.id)},
    )
    assert below.status_code == 422
    elsewhere = editor.post(
        "/admin/categories/new",
        data=form | {"name": "ՀԱՅՏԱՐԱՐՈՒԹՅՈՒՆՆԵՐ", "parent": str(activities.id)},
    )
    assert elsewhere.status_code == 303
    # Moving Activities' new child under Rights would make two of one name there.
    moved = category(app, "ՀԱՅՏԱՐԱՐՈՒԹՅՈՒՆՆԵՐ")
    response = editor.post(
        f"/admin/categories/{moved.id}/edit",
        data=form | {"name": moved.name, "slug": moved.slug, "parent": str(rights.id)},
    )
    assert response.status_code == 422
    assert "There is already a category of this name in that place" in text_of(response)
    assert category(app, "ՀԱՅՏԱՐԱՐՈՒԹՅՈՒՆՆԵՐ").parent_id == activities.id


def test_a_new_category_slug_checks_every_candidate(app, editor):
    """ "announcements" and "rights-announcements" are both taken: -2, not a clash."""
    form = {"slug": "", "position": "0", "parent": "0"}
    for name in ("Rights", "Announcements", "Rights Announcements"):
        assert (
            editor.post("/admin/categories/new", data=form | {"name": name}).status_code
            == 303
        )
    rights = category(app, "Rights")
    response = editor.post(
        "/admin/categories/new",
        data=form | {"name": "Announcements", "parent": str(rights.id)},
    )
    assert response.status_code == 303
    with app.app_context():
        child = db.session.scalar(
            db.select(Category).where(Category.parent_id == rights.id)
        )
        assert child.slug == "announcements-2"


def test_a_name_taken_by_someone_else_meanwhile_is_a_form_error(
    app, editor, make_statement, monkeypatch
):
    """The form's check passes, then the insert meets the same key saved meanwhile."""
    make_statement(signatories=["Մեմորիալ"], categories=["Rights"])
    monkeypatch.setattr("ngo.admin.forms.organisation_called", lambda *a, **k: None)
    monkeypatch.setattr("ngo.admin.forms.category_clash", lambda *a, **k: None)
    response = editor.post("/admin/organisations/new", data={"name": "ՄԵՄՈՐԻԱԼ"})
    assert response.status_code == 422
    assert "Someone else saved the same name or slug" in text_of(response)
    response = editor.post(
        "/admin/categories/new",
        data={"name": "RIGHTS", "slug": "", "parent": "0", "position": "0"},
    )
    assert response.status_code == 422
    assert "Someone else saved the same name or slug" in text_of(response)
