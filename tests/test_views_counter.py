"""Views counter: readers count once a day, crawlers and prefetches never, none lost."""

import multiprocessing
import re
import threading
import urllib.request
from datetime import timedelta

import pytest

from ngo import create_app
from ngo.extensions import db
from ngo.models import Statement, StatementView

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120 Safari/537.36"


def shown_views(response) -> int:
    """The number after "views:" on a statement page."""
    return int(re.search(r"views: (\d+)", response.get_data(as_text=True)).group(1))


def stored_views(app, slug) -> int:
    """The counter as stored in the database."""
    with app.app_context():
        return db.session.scalar(
            db.select(Statement.views).where(Statement.slug == slug)
        )


def test_same_reader_counts_once_within_the_window(client, app, make_statement):
    slug = make_statement()
    first = client.get(f"/statements/{slug}", headers={"User-Agent": BROWSER})
    again = client.get(f"/statements/{slug}", headers={"User-Agent": BROWSER})
    assert shown_views(first) == 1 and shown_views(again) == 1
    other_browser = client.get(
        f"/statements/{slug}", headers={"User-Agent": BROWSER + " Firefox"}
    )
    other_address = client.get(
        f"/statements/{slug}",
        headers={"User-Agent": BROWSER},
        environ_base={"REMOTE_ADDR": "203.0.113.9"},
    )
    assert shown_views(other_browser) == 2 and shown_views(other_address) == 3
    assert stored_views(app, slug) == 3


def test_reader_counts_again_after_the_window(client, app, make_statement):
    slug = make_statement()
    client.get(f"/statements/{slug}", headers={"User-Agent": BROWSER})
    with app.app_context():
        record = db.session.scalars(db.select(StatementView)).one()
        record.counted_at -= timedelta(seconds=app.config["VIEW_WINDOW_SECONDS"] + 1)
        db.session.commit()
    assert (
        shown_views(client.get(f"/statements/{slug}", headers={"User-Agent": BROWSER}))
        == 2
    )


def test_raw_ip_is_never_stored(client, app, make_statement):
    slug = make_statement()
    client.get(
        f"/statements/{slug}",
        headers={"User-Agent": BROWSER},
        environ_base={"REMOTE_ADDR": "198.51.100.77"},
    )
    with app.app_context():
        record = db.session.scalars(db.select(StatementView)).one()
    assert "198.51.100.77" not in record.visitor and re.fullmatch(
        r"[0-9a-f]{32}", record.visitor
    )


@pytest.mark.parametrize(
    "headers",
    [
        {
            "User-Agent": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
        },
        {
            "User-Agent": "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)"
        },
        {"User-Agent": "Mozilla/5.0 (compatible; YandexBot/3.0)"},
        {"User-Agent": "facebookexternalhit/1.1"},
        {
            "User-Agent": "Mozilla/5.0 AppleWebKit/537.36 "
            "(KHTML, like Gecko; compatible; GPTBot/1.2)"
        },
        {"User-Agent": BROWSER, "Sec-Purpose": "prefetch"},
        {"User-Agent": BROWSER, "Purpose": "prefetch"},
        {"User-Agent": BROWSER, "X-Moz": "prefetch"},
        {"User-Agent": BROWSER, "Sec-Purpose": "prefetch;prerender"},
    ],
)
def test_crawlers_and_prefetches_do_not_count(client, app, make_statement, headers):
    slug = make_statement(views=10)
    response = client.get(f"/statements/{slug}", headers=headers)
    assert response.status_code == 200 and shown_views(response) == 10
    assert stored_views(app, slug) == 10


def test_head_does_not_count(client, app, make_statement):
    slug = make_statement()
    assert (
        client.head(f"/statements/{slug}", headers={"User-Agent": BROWSER}).status_code
        == 200
    )
    assert stored_views(app, slug) == 0


def test_concurrent_readers_lose_no_view(live_server, app, make_statement):
    """Forty readers at once on a threaded server: forty views, not fewer."""
    slug = make_statement()
    errors = []

    def read(number):
        request = urllib.request.Request(
            f"{live_server}/statements/{slug}",
            headers={"User-Agent": f"{BROWSER} reader-{number}"},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                assert response.status == 200
        except Exception as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=read, args=(n,)) for n in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert stored_views(app, slug) == 40


def _read_in_process(database_url, slug, first, count, barrier):
    """A separate worker process with its own app and connections."""
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "test-secret-key"}
    )
    client = app.test_client()
    barrier.wait(timeout=60)
    for number in range(first, first + count):
        # The same reader twice: the repeat must not count.
        for _ in range(2):
            response = client.get(
                f"/statements/{slug}", headers={"User-Agent": f"reader-{number}"}
            )
            assert response.status_code == 200


def test_concurrent_worker_processes_lose_no_view(app, database_url, make_statement):
    slug = make_statement()
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(4)
    workers = [
        context.Process(
            target=_read_in_process, args=(database_url, slug, n * 25, 25, barrier)
        )
        for n in range(4)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert [w.exitcode for w in workers] == [0, 0, 0, 0]
    assert stored_views(app, slug) == 100


def test_prune_forgets_only_old_records(runner, client, app, make_statement):
    slug = make_statement()
    client.get(f"/statements/{slug}", headers={"User-Agent": "old"})
    client.get(f"/statements/{slug}", headers={"User-Agent": "new"})
    with app.app_context():
        old = db.session.scalar(
            db.select(StatementView).order_by(StatementView.counted_at).limit(1)
        )
        old.counted_at -= timedelta(days=2)
        db.session.commit()
    result = runner.invoke(args=["prune-views"])
    assert "1 old view records deleted" in result.output
    with app.app_context():
        assert (
            db.session.scalar(db.select(db.func.count()).select_from(StatementView))
            == 1
        )
