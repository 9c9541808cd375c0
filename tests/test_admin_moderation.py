"""The moderation queue: tab counts, emails for moderators only, single and bulk."""

import pytest

from ngo.extensions import db
from ngo.models import AuditLog, Comment, Statement
from tests.commenting import add_comment, comment_id_from, post_comment
from tests.staff import signed_in, text_of


@pytest.fixture
def app_config(app_config):
    """Readers behind one proxy (their own addresses), no time trap."""
    return app_config | {"TRUSTED_PROXIES": 1, "COMMENT_MIN_SECONDS": 0}


def add_comments(app, slug, *statuses, email="reader@example.org"):
    """Store one comment per status on a statement; give back their ids."""
    return [
        add_comment(
            app,
            slug,
            status,
            author_name=f"Reader {n}",
            author_email=email,
            body=f"<p>Comment number {n}.</p>",
        )
        for n, status in enumerate(statuses)
    ]


def status_of(app, comment_id):
    """A comment's status as stored (None once deleted)."""
    with app.app_context():
        comment = db.session.get(Comment, comment_id)
        return comment.status if comment else None


def approved_count(app, slug):
    """The statement's stored count of approved comments."""
    with app.app_context():
        return db.session.scalar(
            db.select(Statement.comment_count).where(Statement.slug == slug)
        )


def test_a_public_comment_shows_in_the_queue_with_its_email_and_approve_publishes_it(
    app, moderator, make_statement
):
    slug = make_statement(title="Appeal")
    reader = app.test_client()
    response = post_comment(
        reader,
        slug,
        comment="Please release them now.",
        author="Ani Reader",
        email="Ani.Private@Example.org",
        url="https://ani.example",
    )
    comment_id = comment_id_from(response)
    assert status_of(app, comment_id) == "pending"
    stranger = app.test_client()
    assert "Please release them now." not in text_of(
        stranger.get(f"/statements/{slug}")
    )

    queue = moderator.get("/admin/comments")
    assert queue.status_code == 200
    text = text_of(queue)
    for shown in (
        "Please release them now.",
        "Ani Reader",
        "ani.private@example.org",
        "https://ani.example",
        "Appeal",
        "Pending (1)",
    ):
        assert shown in text, shown
    assert f'value="approve:{comment_id}"' in queue.get_data(as_text=True)

    response = moderator.post(
        "/admin/comments?status=pending", data={"one": f"approve:{comment_id}"}
    )
    assert response.status_code == 303
    assert response.location == "/admin/comments?status=pending"
    assert "1 comment approved." in text_of(moderator.get(response.location))
    assert status_of(app, comment_id) == "approved"
    assert approved_count(app, slug) == 1

    public = stranger.get(f"/statements/{slug}")
    html = public.get_data(as_text=True)
    assert "Please release them now." in text_of(public) and "Ani Reader" in text_of(
        public
    )
    assert "ani.private" not in html.lower()
    with app.app_context():
        entry = db.session.scalar(
            db.select(AuditLog).where(AuditLog.action == "comment.approve")
        )
        assert entry.actor == "moderator@example.org" and entry.target_id == comment_id
        assert "Ani Reader" in entry.target_label and "Appeal" in entry.target_label


def test_the_queue_email_never_reaches_public_pages(app, moderator, make_statement):
    slug = make_statement(categories=["Rights"])
    add_comments(app, slug, "approved", "pending", email="secret.person@example.org")
    for path in ("/", f"/statements/{slug}", "/category/rights"):
        assert "secret.person" not in app.test_client().get(path).get_data(as_text=True)
    assert "secret.person@example.org" in moderator.get(
        "/admin/comments?status=approved"
    ).get_data(as_text=True)


def test_tabs_show_counts_and_each_holds_its_own(app, moderator, make_statement):
    slug = make_statement()
    add_comments(
        app, slug, "pending", "pending", "approved", "spam", "trash", "trash", "trash"
    )
    text = text_of(moderator.get("/admin/comments"))
    assert (
        "Pending (2)" in text
        and "Approved (1)" in text
        and "Spam (1)" in text
        and "Trash (3)" in text
    )
    html = moderator.get("/admin/comments?status=trash").get_data(as_text=True)
    assert html.count('name="ids"') == 3
    assert 'aria-current="page">Trash' in html
    assert moderator.get("/admin/comments?status=nonsense").status_code == 404


@pytest.mark.parametrize(
    "tab,buttons",
    [
        ("pending", ["Approve", "Spam", "Trash"]),
        ("approved", ["Unapprove", "Spam", "Trash"]),
        ("spam", ["Approve", "Unapprove", "Trash"]),
        ("trash", ["Approve", "Unapprove", "Spam", "Delete permanently"]),
    ],
)
def test_each_tab_offers_its_buttons(app, moderator, make_statement, tab, buttons):
    slug = make_statement()
    add_comments(app, slug, tab)
    html = moderator.get(f"/admin/comments?status={tab}").get_data(as_text=True)
    bulk = html[
        html.index('class="bulk"') : html.index(
            "</fieldset>", html.index('class="bulk"')
        )
    ]
    for label in ("Approve", "Unapprove", "Spam", "Trash", "Delete permanently"):
        assert (f">{label}</button>" in bulk) == (label in buttons), label
    assert "Delete permanently" not in html or tab == "trash"


def test_bulk_actions_move_every_ticked_comment(app, moderator, make_statement):
    slug = make_statement()
    ids = add_comments(app, slug, "pending", "pending", "pending")
    response = moderator.post(
        "/admin/comments?status=pending",
        data={"action": "approve", "ids": [str(ids[0]), str(ids[2])]},
    )
    assert response.status_code == 303
    assert [status_of(app, i) for i in ids] == ["approved", "pending", "approved"]
    assert approved_count(app, slug) == 2
    assert "2 comments approved." in text_of(moderator.get(response.location))
    moderator.post(
        "/admin/comments?status=approved",
        data={"action": "spam", "ids": [str(i) for i in ids]},
    )
    assert [status_of(app, i) for i in ids] == ["spam", "pending", "spam"]
    assert approved_count(app, slug) == 0
    with app.app_context():
        actions = db.session.scalars(
            db.select(AuditLog.action).order_by(AuditLog.id)
        ).all()
    assert actions == ["comment.approve"] * 2 + ["comment.spam"] * 2


def test_unapprove_hides_a_published_comment_again(app, moderator, make_statement):
    slug = make_statement()
    (cid,) = add_comments(app, slug, "approved")
    assert "Comment number 0." in text_of(app.test_client().get(f"/statements/{slug}"))
    moderator.post("/admin/comments?status=approved", data={"one": f"unapprove:{cid}"})
    assert status_of(app, cid) == "pending" and approved_count(app, slug) == 0
    assert "Comment number 0." not in text_of(
        app.test_client().get(f"/statements/{slug}")
    )


def test_delete_permanently_only_from_the_trash(app, moderator, make_statement):
    slug = make_statement()
    pending, trashed = add_comments(app, slug, "pending", "trash")
    assert (
        moderator.post(
            "/admin/comments?status=pending", data={"one": f"delete:{pending}"}
        ).status_code
        == 400
    )
    # A pending comment's id sent from the Trash tab is left alone.
    response = moderator.post(
        "/admin/comments?status=trash",
        data={"action": "delete", "ids": [str(pending), str(trashed)]},
    )
    assert response.status_code == 303
    assert status_of(app, pending) == "pending" and status_of(app, trashed) is None
    text = text_of(moderator.get(response.location))
    assert (
        "1 comment deleted permanently." in text
        and "1 comment was already changed" in text
    )


def test_a_reply_survives_when_its_parent_is_deleted(app, moderator, make_statement):
    slug = make_statement()
    (parent,) = add_comments(app, slug, "trash")
    reply_id = add_comment(
        app, slug, parent_id=parent, depth=2, author_name="Replier", body="<p>Reply</p>"
    )
    assert "In reply to Reader 0" in text_of(moderator.get("/admin/comments"))
    moderator.post("/admin/comments?status=trash", data={"one": f"delete:{parent}"})
    with app.app_context():
        assert db.session.get(Comment, reply_id).parent_id is None


def test_stale_actions_are_reported_not_applied_twice(app, moderator, make_statement):
    slug = make_statement()
    (cid,) = add_comments(app, slug, "pending")
    moderator.post("/admin/comments?status=pending", data={"one": f"approve:{cid}"})
    response = moderator.post(
        "/admin/comments?status=pending", data={"one": f"approve:{cid}"}
    )
    assert "1 comment was already changed or deleted by someone else" in text_of(
        moderator.get(response.location)
    )
    assert approved_count(app, slug) == 1


@pytest.mark.parametrize(
    "data",
    [
        {"action": "approve"},
        {"action": "explode", "ids": ["1"]},
        {"one": "approve:abc"},
        {"one": "approve"},
        {"one": "nuke:1"},
        {"action": "approve", "ids": ["x"]},
        {"action": "approve", "ids": ["99999"]},
        {"action": "approve", "ids": [str(n) for n in range(1, 300)]},
    ],
)
def test_odd_posts_are_refused_without_a_500(app, moderator, make_statement, data):
    slug = make_statement()
    add_comments(app, slug, "pending")
    response = moderator.post("/admin/comments?status=pending", data=data)
    assert response.status_code in (303, 400)


def test_the_queue_keeps_its_page_and_statement_filter(app, moderator, make_statement):
    first, second = make_statement(title="First"), make_statement(title="Second")
    add_comments(app, first, "pending")
    (cid,) = add_comments(app, second, "pending", email="other@example.org")
    with app.app_context():
        sid = db.session.scalar(db.select(Statement.id).where(Statement.slug == second))
    page = moderator.get(f"/admin/comments?statement={sid}")
    assert "other@example.org" in text_of(page) and "reader@example.org" not in text_of(
        page
    )
    response = moderator.post(
        f"/admin/comments?status=pending&statement={sid}", data={"one": f"trash:{cid}"}
    )
    assert response.location == f"/admin/comments?status=pending&statement={sid}"
    assert moderator.get("/admin/comments?statement=abc").status_code == 404
    assert moderator.get("/admin/comments?statement=777").status_code == 404


def test_editors_moderate_too_and_the_dashboard_counts_pending(
    app, client, make_statement
):
    slug = make_statement()
    add_comments(app, slug, "pending", "pending")
    signed_in(app, client, "editor")
    assert "2 comments waiting for moderation." in text_of(client.get("/admin/"))
    assert client.get("/admin/comments").status_code == 200


def test_deleting_a_comment_moves_its_statement_page_on(app, moderator, make_statement):
    slug = make_statement()
    (cid,) = add_comments(app, slug, "trash")
    with app.app_context():
        before = db.session.scalar(
            db.select(Statement.revision).where(Statement.slug == slug)
        )
    moderator.post("/admin/comments?status=trash", data={"one": f"delete:{cid}"})
    with app.app_context():
        assert (
            db.session.scalar(
                db.select(Statement.revision).where(Statement.slug == slug)
            )
            > before
        )
