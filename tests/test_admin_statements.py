"""Statement editor and list: labels, slugs, sanitising, drafts, 301s, errors, audit."""

import re
from datetime import UTC, datetime

import pytest

from ngo.extensions import db
from ngo.models import AuditLog, Organisation, SlugRedirect, Statement
from tests.staff import signed_in, text_of

HOSTILE = """Intro with **bold** and a [good link](https://example.org/ok).

<script>alert("owned")</script>
<img src=x onerror="alert(1)">
<a href="javascript:alert(2)">click me</a>
<iframe src="https://evil.example"></iframe>
<p style="color:red" onclick="x()">Styled paragraph</p>
<svg><script>alert(3)</script></svg>

## A heading

* first point
* second point
"""


def statement_data(**overrides):
    """A complete, valid editor form; keyword arguments replace fields."""
    data = {
        "title": "Stop the detention of journalists",
        "slug": "",
        "date": "2023-09-19",
        "summary": "",
        "body": "We call for their **immediate** release.",
        "signatories": "Article 3 Club\nPeace Dialogue",
        "language": "en",
        "status": "published",
        "comments_open": "y",
        "save": "Save",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def stored(app, slug=None, statement_id=None) -> Statement:
    """A statement as stored, read outside any request."""
    with app.app_context():
        query = db.select(Statement)
        query = (
            query.where(Statement.slug == slug)
            if slug
            else query.where(Statement.id == statement_id)
        )
        statement = db.session.scalar(query)
        if statement is not None:
            _ = (
                [s.organisation.name for s in statement.signatures],
                statement.category_ids,
            )
            db.session.expunge_all()
        return statement


def test_editor_has_the_contract_labels_and_a_save_button(editor):
    html = editor.get("/admin/statements/new").get_data(as_text=True)
    for field, label in [
        ("title", "Title"),
        ("slug", "Slug"),
        ("date", "Date"),
        ("summary", "Summary"),
        ("body", "Body"),
        ("signatories", "Signatories"),
        ("status", "Status"),
        ("comments_open", "Comments open"),
    ]:
        assert f'<label for="{field}">{label}</label>' in html, label
    assert "<legend>Categories</legend>" in html
    assert re.search(r'<button type="submit"[^>]*>Save</button>', html)
    assert re.search(
        r'<input[^>]*type="date"[^>]*name="date"|<input[^>]*name="date"[^>]*type="date"',
        html,
    )
    assert (
        'id="date" name="date" required type="date" value="' in html
        or 'type="date"' in html
    )
    assert re.search(
        r'<option selected value="draft">', html
    )  # new statements start as drafts


def test_statement_written_in_the_editor_reads_back_clean_with_its_signatories(
    app, editor, client
):
    response = editor.post(
        "/admin/statements/new",
        data=statement_data(
            body=HOSTILE,
            signatories="Helsinki Citizens' Assembly-Vanadzor\nArticle 3 Club"
            "\n\nPeace Dialogue\n",
        ),
    )
    assert response.status_code == 303
    statement = stored(app, "stop-the-detention-of-journalists")
    assert response.location == f"/admin/statements/{statement.id}/edit"
    assert statement.body_markdown.startswith("Intro with **bold**")

    reader = app.test_client()
    page = reader.get("/statements/stop-the-detention-of-journalists")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    body = html[
        html.index('class="statement__body"') : html.index(
            "</div>", html.index('class="statement__body"')
        )
    ]
    for bad in (
        "<script",
        "onerror",
        "javascript:",
        "<iframe",
        "onclick",
        "style=",
        "<svg",
        "<img",
    ):
        assert bad not in body.lower(), bad
    assert "<strong>bold</strong>" in body
    assert '<a href="https://example.org/ok">good link</a>' in body
    assert "<h2>A heading</h2>" in body and "<li>first point</li>" in body
    assert "<p>Styled paragraph</p>" in body
    text = text_of(page)
    signatories = text[text.index("Signatories") :]
    assert (
        signatories.index("Helsinki Citizens' Assembly-Vanadzor")
        < signatories.index("Article 3 Club")
        < signatories.index("Peace Dialogue")
    )
    assert "September 19, 2023" in text


def test_known_organisations_are_matched_by_name_and_new_ones_created(
    app, editor, make_statement
):
    make_statement(signatories=["Article 3 Club"])
    editor.post(
        "/admin/statements/new",
        data=statement_data(signatories="article 3 club\nBrand New Org"),
    )
    with app.app_context():
        names = db.session.scalars(
            db.select(Organisation.name).order_by(Organisation.id)
        ).all()
    assert names == ["Article 3 Club", "Brand New Org"]
    statement = stored(app, "stop-the-detention-of-journalists")
    assert [s.organisation.name for s in statement.signatures] == [
        "Article 3 Club",
        "Brand New Org",
    ]


@pytest.mark.parametrize(
    "title,slug",
    [
        ("Մարդու իրավունքների պաշտպանություն", "mardu-iravunkneri-pashtpanutyun"),
        ("Право на доступ к информации", "pravo-na-dostup-k-informatsii"),
        (
            "Объявление о съезде правозащитников",
            "obyavlenie-o-sezde-pravozashchitnikov",
        ),
        ("  Stop  the  Detention!  ", "stop-the-detention"),
    ],
)
def test_slug_is_made_from_the_title_when_empty(app, editor, title, slug):
    response = editor.post("/admin/statements/new", data=statement_data(title=title))
    assert response.status_code == 303
    made = stored(app, statement_id=int(response.location.split("/")[-2]))
    assert made.slug == slug


def test_slug_from_a_title_already_taken_gets_a_number(app, editor, make_statement):
    make_statement(slug="stop-the-detention-of-journalists")
    editor.post("/admin/statements/new", data=statement_data())
    assert stored(app, "stop-the-detention-of-journalists-2") is not None


def test_a_draft_is_404_for_the_public_and_marked_for_editors(
    app, editor, make_statement
):
    editor.post(
        "/admin/statements/new",
        data=statement_data(status="draft", title="Secret plan"),
    )
    draft = stored(app, "secret-plan")
    assert draft.status == "draft"
    assert app.test_client().get("/statements/secret-plan").status_code == 404
    page = editor.get("/statements/secret-plan")
    assert page.status_code == 200
    assert (
        "private" in page.headers["Cache-Control"]
        and "no-store" in page.headers["Cache-Control"]
    )
    assert "noindex" in page.headers["X-Robots-Tag"]
    text = text_of(page)
    assert "Draft : not published. Only signed-in editors can see this page." in text
    assert stored(app, "secret-plan").views == 0  # an editor's look is not a view
    # Not listed anywhere public.
    for path in ("/",):
        assert "Secret plan" not in text_of(app.test_client().get(path))


def test_moderators_do_not_see_drafts(app, client, make_statement):
    make_statement(slug="draft-one", status="draft")
    signed_in(app, client, "moderator")
    assert client.get("/statements/draft-one").status_code == 404


def test_publishing_a_draft_makes_it_public(app, editor, make_statement):
    editor.post("/admin/statements/new", data=statement_data(status="draft"))
    statement = stored(app, "stop-the-detention-of-journalists")
    editor.post(
        f"/admin/statements/{statement.id}/edit",
        data=statement_data(status="published"),
    )
    page = app.test_client().get("/statements/stop-the-detention-of-journalists")
    assert page.status_code == 200 and "Draft" not in text_of(page)


def test_changing_the_slug_keeps_the_old_address_with_a_301(
    app, editor, make_statement
):
    make_statement(slug="old-address", title="Appeal")
    sid = stored(app, "old-address").id
    response = editor.post(
        f"/admin/statements/{sid}/edit",
        data=statement_data(title="Appeal", slug="new-address"),
    )
    assert response.status_code == 303
    reader = app.test_client()
    moved = reader.get("/statements/old-address")
    assert moved.status_code == 301
    assert moved.location == "/statements/new-address"
    assert "max-age" in moved.headers["Cache-Control"]
    assert reader.get("/statements/new-address").status_code == 200

    # Again: both earlier addresses lead straight to the newest one (no chains).
    editor.post(
        f"/admin/statements/{sid}/edit",
        data=statement_data(title="Appeal", slug="newest-address"),
    )
    assert (
        reader.get("/statements/old-address").location == "/statements/newest-address"
    )
    assert (
        reader.get("/statements/new-address").location == "/statements/newest-address"
    )

    # And back: the old slug is the statement's own again, the others redirect to it.
    editor.post(
        f"/admin/statements/{sid}/edit",
        data=statement_data(title="Appeal", slug="old-address"),
    )
    assert reader.get("/statements/old-address").status_code == 200
    assert (
        reader.get("/statements/newest-address").location == "/statements/old-address"
    )
    with app.app_context():
        assert (
            "old-address"
            not in db.session.scalars(db.select(SlugRedirect.old_slug)).all()
        )


def test_old_slug_of_a_draft_is_404_for_the_public(app, editor, make_statement):
    make_statement(slug="was-public", title="Appeal")
    sid = stored(app, "was-public").id
    editor.post(
        f"/admin/statements/{sid}/edit",
        data=statement_data(title="Appeal", slug="now-draft", status="draft"),
    )
    assert app.test_client().get("/statements/was-public").status_code == 404
    assert editor.get("/statements/was-public").location == "/statements/now-draft"


def test_an_old_slug_can_be_taken_by_another_statement(app, editor, make_statement):
    make_statement(slug="first", title="First")
    first = stored(app, "first").id
    editor.post(
        f"/admin/statements/{first}/edit",
        data=statement_data(title="First", slug="first-renamed"),
    )
    response = editor.post(
        "/admin/statements/new", data=statement_data(title="Second", slug="first")
    )
    assert response.status_code == 303
    page = app.test_client().get("/statements/first")
    assert page.status_code == 200 and "Second" in text_of(page)
    # A slug made from a title avoids old addresses.
    editor.post("/admin/statements/new", data=statement_data(title="First renamed"))
    assert stored(app, "first-renamed-2") is not None


def test_preview_renders_clean_html_and_saves_nothing(app, editor):
    response = editor.post(
        "/admin/statements/new",
        data=statement_data(
            body="Some *emphasis*.\n\n<script>alert(1)</script>",
            save=None,
            preview="Preview",
        ),
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    start = html.index('id="preview-heading"')
    preview = html[start : html.index("</section>", start)]
    assert "<em>emphasis</em>" in preview and "<script" not in preview
    assert "Some *emphasis*." in html  # the Markdown stays in the Body field
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Statement)) == 0


@pytest.mark.parametrize(
    "overrides,message",
    [
        ({"title": ""}, "Enter a title."),
        ({"title": "x" * 501}, "A title has at most 500 characters."),
        ({"date": "19/09/2023"}, "Enter the date as year-month-day"),
        ({"date": "2023-02-30"}, "2023-02-30 is not a date: February has 28 days"),
        ({"date": "2024-04-31"}, "2024-04-31 is not a date: April has 30 days."),
        ({"date": "2023-13-01"}, "2023-13-01 is not a date: a year has 12 months."),
        ({"date": "0001-01-01"}, "Enter a year between 1000 and 9998."),
        ({"date": ""}, "Enter the publication date."),
        (
            {"slug": "Not A Slug"},
            "Use lowercase letters, digits and single hyphens only",
        ),
        ({"slug": "a--b"}, "Use lowercase letters, digits and single hyphens only"),
        ({"body": "   "}, "Write the body of the statement."),
        (
            {"signatories": "One Org\nTwo Org\none org"},
            "“one org” is listed twice (lines 1 and 3).",
        ),
        ({"signatories": "x" * 301}, "Line 1 is longer than 300 characters."),
        ({"language": "english!"}, "Enter a language code such as en, hy or ru."),
        ({"status": "archived"}, "Not a valid choice"),
        ({"categories": "999"}, "valid choice"),
        ({"categories": "abc"}, "could not be coerced"),
    ],
)
def test_errors_keep_what_was_typed(app, editor, overrides, message):
    data = statement_data(
        title="Kept title",
        summary="Kept summary",
        body="Kept **body**",
        signatories="Kept Org",
    )
    data.update(overrides)
    response = editor.post("/admin/statements/new", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    assert "Error: " in html[: html.index("</title>")]
    assert 'aria-invalid="true"' in html or "field--error" in html
    for name in ("title", "summary", "body", "signatories"):
        if name not in overrides:
            kept = data[name]
            assert kept in html, name
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Statement)) == 0


def test_a_slug_used_by_another_statement_is_refused(app, editor, make_statement):
    make_statement(slug="taken", title="The Other One")
    response = editor.post("/admin/statements/new", data=statement_data(slug="taken"))
    assert response.status_code == 422
    assert "The statement “The Other One” already uses this slug." in text_of(response)


@pytest.mark.parametrize(
    "data",
    [
        {"title": "\x00\x01", "body": "\x00"},
        {"title": ["a", "b"], "date": ["2023-01-01", "x"]},
        {
            "title": "ok",
            "date": "2023-09-19",
            "body": "b",
            "language": "en",
            "status": "published",
            "comments_open": "definitely",
            "save": "Save",
            "categories": ["1", "1", "-5", "99999999999999999999"],
        },
        {
            "title": "ok",
            "date": "9999-12-31",
            "body": "b" * 10,
            "language": "en",
            "status": "published",
            "save": "Save",
        },
        {
            "title": "😀" * 400,
            "date": "2023-09-19",
            "body": "**" * 5000 + "[" * 3000,
            "language": "hy",
            "status": "draft",
            "save": "Save",
            "signatories": "\n" * 5000,
        },
        {"preview": "Preview"},
        {},
    ],
)
def test_no_input_makes_a_500(app, editor, data):
    response = editor.post("/admin/statements/new", data=data)
    assert response.status_code < 500


def test_a_huge_body_is_refused_politely(editor):
    response = editor.post(
        "/admin/statements/new", data=statement_data(body="x" * 200_001)
    )
    assert response.status_code == 422
    assert "The body has at most 200,000 characters." in text_of(response)


def test_editing_shows_the_markdown_and_keeps_orders(app, editor, make_statement):
    make_statement(
        slug="ordered",
        title="Ordered",
        categories=["Zeta", "Alpha > Beta"],
        signatories=["Third Org", "First Org", "Second Org"],
    )
    sid = stored(app, "ordered").id
    page = editor.get(f"/admin/statements/{sid}/edit")
    html = page.get_data(as_text=True)
    assert "Third Org\nFirst Org\nSecond Org" in html
    assert re.search(
        r'<input type="checkbox" name="categories" value="\d+" id="categories-\d+" '
        r"checked>\s*<label[^>]*>Zeta",
        html,
    )
    categories_before = stored(app, "ordered").category_ids
    response = editor.post(
        f"/admin/statements/{sid}/edit",
        data=statement_data(
            title="Ordered",
            slug="ordered",
            categories=[str(i) for i in sorted(categories_before)],
            signatories="Second Org\nThird Org",
        ),
    )
    assert response.status_code == 303
    after = stored(app, "ordered")
    assert after.category_ids == categories_before  # trail order kept
    assert [s.organisation.name for s in after.signatures] == [
        "Second Org",
        "Third Org",
    ]
    assert after.published_at.date().isoformat() == "2023-09-19"


def test_editing_keeps_the_time_of_an_unchanged_date(app, editor, make_statement):
    make_statement(
        slug="timed",
        title="Timed",
        published_at=datetime(2023, 9, 19, 14, 30, tzinfo=UTC),
    )
    sid = stored(app, "timed").id
    editor.post(
        f"/admin/statements/{sid}/edit",
        data=statement_data(title="Timed", slug="timed"),
    )
    assert stored(app, "timed").published_at == datetime(
        2023, 9, 19, 14, 30, tzinfo=UTC
    )
    editor.post(
        f"/admin/statements/{sid}/edit",
        data=statement_data(title="Timed", slug="timed", date="2023-09-20"),
    )
    assert stored(app, "timed").published_at == datetime(2023, 9, 20, tzinfo=UTC)


def test_saving_is_audited_with_what_changed(app, editor, make_statement):
    editor.post("/admin/statements/new", data=statement_data(status="draft"))
    sid = stored(app, "stop-the-detention-of-journalists").id
    editor.post(
        f"/admin/statements/{sid}/edit",
        data=statement_data(
            slug="stop-the-detention-of-journalists",
            status="published",
            body="New body.",
        ),
    )
    with app.app_context():
        entries = db.session.scalars(db.select(AuditLog).order_by(AuditLog.id)).all()
        assert [(e.action, e.actor, e.target_id) for e in entries] == [
            ("statement.create", "editor@example.org", sid),
            ("statement.update", "editor@example.org", sid),
        ]
        assert "status: draft → published" in entries[1].details
        assert "body: (old text) → (new text)" in entries[1].details
    # Saving again without a change records nothing.
    editor.post(
        f"/admin/statements/{sid}/edit",
        data=statement_data(
            slug="stop-the-detention-of-journalists",
            status="published",
            body="New body.",
        ),
    )
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(AuditLog)) == 2


def test_statement_list_newest_first_with_counts_and_pages(app, editor, make_statement):
    for day in (3, 1, 2):
        make_statement(
            title=f"Day {day}",
            slug=f"day-{day}",
            published_at=datetime(2024, 1, day, tzinfo=UTC),
            views=day * 10,
            status="draft" if day == 2 else "published",
        )
    text = text_of(editor.get("/admin/statements"))
    assert text.index("Day 3") < text.index("Day 2") < text.index("Day 1")
    assert "Draft" in text and "Published" in text and "30" in text
    assert "Day 2" in text_of(editor.get("/admin/statements?status=draft"))
    assert "Day 1" not in text_of(editor.get("/admin/statements?status=draft"))
    assert "Day 1" in text_of(editor.get("/admin/statements?q=day+1"))
    assert "Day 3" not in text_of(editor.get("/admin/statements?q=day+1"))
    assert "No statements match." in text_of(editor.get("/admin/statements?q=%25_"))
    for number in range(30):
        make_statement(title=f"Bulk {number}", slug=f"bulk-{number}")
    first = editor.get("/admin/statements")
    assert 'rel="next" href="/admin/statements?page=2"' in first.get_data(as_text=True)
    assert editor.get("/admin/statements?page=2").status_code == 200
    assert editor.get("/admin/statements?page=9").status_code == 404
    assert editor.get("/admin/statements?page=x").status_code == 404
    filtered = editor.get("/admin/statements?status=published&page=1").get_data(
        as_text=True
    )
    assert "status=published" in filtered and "page=2" in filtered


def test_unknown_statement_is_404(editor):
    assert editor.get("/admin/statements/12345/edit").status_code == 404
    assert (
        editor.post("/admin/statements/12345/edit", data=statement_data()).status_code
        == 404
    )


def test_an_automatic_summary_follows_the_body_a_written_one_stays(app, editor):
    editor.post("/admin/statements/new", data=statement_data(body="First *version*."))
    sid = stored(app, "stop-the-detention-of-journalists").id
    assert stored(app, statement_id=sid).summary == "First version."
    slug = "stop-the-detention-of-journalists"
    editor.post(
        f"/admin/statements/{sid}/edit",
        data=statement_data(slug=slug, summary="First version.", body="Second."),
    )
    assert stored(app, statement_id=sid).summary == "Second."
    editor.post(
        f"/admin/statements/{sid}/edit",
        data=statement_data(slug=slug, summary="Written by hand.", body="Third."),
    )
    editor.post(
        f"/admin/statements/{sid}/edit",
        data=statement_data(slug=slug, summary="Written by hand.", body="Fourth."),
    )
    assert stored(app, statement_id=sid).summary == "Written by hand."


def test_an_automatic_summary_reads_in_sentences(app, editor):
    body = "## Findings\n\nDetention conditions were poor\n\n- no doctor\n- no lawyer"
    editor.post("/admin/statements/new", data=statement_data(body=body))
    summary = stored(app, "stop-the-detention-of-journalists").summary
    assert summary == "Findings. Detention conditions were poor. no doctor. no lawyer."


def test_a_summary_made_before_sentence_aware_summaries_still_follows_the_body(
    app, editor, make_statement
):
    """Summaries made by the old rule (text run together) count as automatic."""
    slug = make_statement(
        body="<h2>Findings</h2><ul><li>one</li><li>two</li></ul>",
        summary="Findingsonetwo",
    )
    sid = stored(app, slug).id
    editor.post(
        f"/admin/statements/{sid}/edit",
        data=statement_data(slug=slug, summary="Findingsonetwo", body="New body."),
    )
    assert stored(app, statement_id=sid).summary == "New body."


def test_a_save_over_someone_elses_newer_save_is_stopped_once(
    app, editor, make_statement
):
    make_statement(slug="shared", title="Shared")
    sid = stored(app, "shared").id
    page = editor.get(f"/admin/statements/{sid}/edit").get_data(as_text=True)
    version = re.search(
        r'name="version" type="hidden" value="([0-9a-f]+)"', page
    ).group(1)
    # A colleague saves first; a reader's view does not count as a change.
    colleague = app.test_client()
    signed_in(app, colleague, "admin")
    app.test_client().get("/statements/shared")
    colleague.post(
        f"/admin/statements/{sid}/edit",
        data=statement_data(title="Shared", slug="shared", body="Theirs."),
    )
    mine = statement_data(title="Shared", slug="shared", body="Mine.", version=version)
    response = editor.post(f"/admin/statements/{sid}/edit", data=mine)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Someone else saved this statement while you were editing it." in html
    assert "Mine." in html and stored(app, "shared").body == "<p>Theirs.</p>"
    newer = re.search(r'name="version" type="hidden" value="([0-9a-f]+)"', html).group(
        1
    )
    assert newer != version
    assert (
        editor.post(
            f"/admin/statements/{sid}/edit", data=mine | {"version": newer}
        ).status_code
        == 303
    )
    assert stored(app, "shared").body == "<p>Mine.</p>"


def test_an_unchanged_version_saves(app, editor, make_statement):
    make_statement(slug="mine", title="Mine")
    sid = stored(app, "mine").id
    page = editor.get(f"/admin/statements/{sid}/edit").get_data(as_text=True)
    version = re.search(
        r'name="version" type="hidden" value="([0-9a-f]+)"', page
    ).group(1)
    app.test_client().get("/statements/mine")  # a view in between changes nothing
    response = editor.post(
        f"/admin/statements/{sid}/edit",
        data=statement_data(title="Mine", slug="mine", version=version),
    )
    assert response.status_code == 303


@pytest.mark.parametrize(
    "body, text",
    [("[" * 5_000, "[" * 5_000), ("*a" * 2_500, "a" * 2_500), ("> " * 2_000, "")],
    ids=["brackets", "stars", "quotes"],
)
def test_bodies_python_markdown_took_minutes_on_are_saved_at_once(
    app, editor, body, text
):
    """Python-Markdown needed minutes for these (a child process was killed after
    a time limit); markdown-it-py renders them in time linear in their length."""
    import multiprocessing
    import time

    from ngo.sanitize import plain_text

    started = time.process_time()  # CPU time: others' load does not count
    response = editor.post(
        "/admin/statements/new", data=statement_data(body=body, title="Odd")
    )
    assert time.process_time() - started < 1
    assert response.status_code == 303
    assert multiprocessing.active_children() == []
    assert plain_text(stored(app, "odd").body) == text


def test_a_save_that_changes_signatories_moves_only_its_own_statement(
    app, editor, make_statement, count_queries
):
    """It used to UPDATE every statement's revision (a new Signature put its
    organisation in session.dirty): 1.6 s a save at 100,000 statements."""
    others = [make_statement(signatories=["Article 3 Club"]) for _ in range(3)]
    mine = make_statement(title="Mine", signatories=["Article 3 Club"])
    before = {slug: stored(app, slug).revision for slug in others + [mine]}
    sid = stored(app, mine).id
    with count_queries() as statements:
        response = editor.post(
            f"/admin/statements/{sid}/edit",
            data=statement_data(
                title="Mine",
                slug=mine,
                signatories="Article 3 Club\nA New Organisation",
            ),
        )
    assert response.status_code == 303
    updates = [s for s in statements if re.match(r"\s*UPDATE statement\b", s)]
    assert updates and all("WHERE statement.id" in s for s in updates)
    assert {slug: stored(app, slug).revision for slug in others} == {
        slug: before[slug] for slug in others
    }
    assert stored(app, mine).revision > before[mine]


def test_saving_a_statement_with_armenian_and_cyrillic_signatories(
    app, editor, make_statement
):
    """On SQLite, lower() folds ASCII only: Save used to add the organisation again
    and fail on its unique name."""
    names = ["Հելսինկյան Քաղաքացիական Ասամբլեա", "Правозащитный центр «Мемориал»"]
    slug = make_statement(title="Mine", signatories=names)
    sid = stored(app, slug).id
    response = editor.post(
        f"/admin/statements/{sid}/edit",
        data=statement_data(title="Mine", slug=slug, signatories="\n".join(names)),
    )
    assert response.status_code == 303
    typed = "ՀԵԼՍԻՆԿՅԱՆ ՔԱՂԱՔԱՑԻԱԿԱՆ  ԱՍԱՄԲԼԵԱ\nПРАВОЗАЩИТНЫЙ ЦЕНТР «МЕМОРИАЛ»"
    response = editor.post(
        f"/admin/statements/{sid}/edit",
        data=statement_data(title="Mine", slug=slug, signatories=typed),
    )
    assert response.status_code == 303
    with app.app_context():
        assert (
            db.session.scalars(db.select(Organisation.name).order_by(Organisation.id))
        ).all() == names
    assert [s.organisation.name for s in stored(app, slug).signatures] == names


def test_a_signatory_added_by_someone_else_meanwhile_is_a_form_error(
    app, editor, make_statement, monkeypatch
):
    """The lookup misses a name another editor is saving at that moment: the flush
    that adds it again fails, and the editor gets a message, not a 500."""
    make_statement(signatories=["Մեմորիալ"])
    monkeypatch.setattr("ngo.authoring.organisation_called", lambda *a, **k: None)
    response = editor.post(
        "/admin/statements/new", data=statement_data(signatories="ՄԵՄՈՐԻԱԼ")
    )
    assert response.status_code == 409
    assert "Someone else saved a statement or organisation" in text_of(response)
    assert "ՄԵՄՈՐԻԱԼ" in response.get_data(as_text=True)  # the form is kept
