"""`make screenshots`: PNGs of the main pages, as readers see them, in docs/screenshots.

Each page (home, a statement, a category, /accessibility, a statement imported from
a WordPress export, the admin) in two looks
(the default, and white on black at 200% text, chosen through the ngo_a11y cookie as
the toolbar's form sets it) at 1280 and 320 px, with JavaScript off. The site runs on
a scratch SQLite database with the demo content (never instance/), served in a thread
on a free port; Debian's Chromium takes the pictures through Playwright.
"""

from __future__ import annotations

import argparse
import logging
import secrets
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from werkzeug.serving import make_server  # noqa: E402

from ngo import create_app  # noqa: E402
from ngo.accessibility.preferences import COOKIE_NAME, Preferences  # noqa: E402
from ngo.extensions import db  # noqa: E402
from ngo.models import Category, Comment, Organisation, Statement, User  # noqa: E402
from tests.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
# The scratch site's one admin, who signs in for the pages under /admin/ (but login).
ADMIN_EMAIL = "editor@example.org"
ADMIN_PASSWORD = secrets.token_urlsafe(18)
# A second editor and a reader with long addresses, so the audit log and the comment
# queue show how addresses wrap on a phone.
LONG_EMAIL = "anahit.petrosyan.press-office@helsinki-citizens-assembly.example.org"
LONG_URL = "https://www.hca-vanadzor.example.org/en/press/statements/2024/"
# The real WordPress export of the tests, imported beside the demo: a statement with
# a captioned image, tags and signatories taken from its end.
WORDPRESS = ROOT / "tests" / "data" / "wordpress"
IMPORT_WORDPRESS = [
    "import-wordpress",
    str(WORDPRESS / "export.xml"),
    "--signatories",
    "trailing",
    "--uploads",
    str(WORDPRESS / "uploads"),
]
IMPORTED_TITLE = "Statement on the detention of peaceful protesters in Yerevan"
# (name, cookie value): the default look, and white on black at 200% text.
LOOKS = (
    ("default", ""),
    ("wb200", Preferences(size="200", scheme="wb").encode()),
)
# (width, height) of the window: a desktop screen and a small phone.
SCREENS = ((1280, 800), (320, 640))
# A full page taller than this is cut here, and every picture is reduced to this many
# colours (text, links, the accent and their edges), to keep the files small.
MAX_HEIGHT = 5000
COLOURS = 32


def build_site(folder: Path):
    """An app on a fresh SQLite database in `folder`, migrated and seeded."""
    from flask_migrate import upgrade

    url = f"sqlite:///{folder / 'screenshots.db'}"
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "screenshots",
            "TESTING": False,
            "MEDIA_FOLDER": str(folder / "media"),
        }
    )
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
    for command in (["seed-demo"], IMPORT_WORDPRESS):
        result = app.test_cli_runner().invoke(args=command)
        if result.exit_code != 0:
            raise SystemExit(f"{command[0]} failed:\n{result.output}")
    with app.app_context():
        admin = User(email=ADMIN_EMAIL, role="admin")
        admin.set_password(ADMIN_PASSWORD)
        db.session.add(admin)
        db.session.commit()
    seed_admin_work(app)
    return app


def seed_admin_work(app) -> None:
    """A little of what the admin records: a pending comment and a few audit entries,
    written as their views write them (sanitiser, audit helper, signed-in actor)."""
    from flask_login import login_user

    from ngo.admin.audit import record
    from ngo.comments.posting import body_fingerprint
    from ngo.sanitize import clean_comment_html

    text = "Thank you for this statement. Our office will share it with the press."
    with app.test_request_context():
        admin = db.session.scalar(db.select(User).where(User.email == ADMIN_EMAIL))
        editor = User(email=LONG_EMAIL, role="editor")
        editor.set_password(secrets.token_urlsafe(18))
        db.session.add(editor)
        db.session.flush()
        statement = db.session.scalars(
            db.select(Statement).order_by(Statement.published_at.desc())
        ).first()
        organisation = db.session.scalars(
            db.select(Organisation).order_by(Organisation.id)
        ).first()
        db.session.add(
            Comment(
                statement_id=statement.id,
                author_name="Anahit Petrosyan",
                author_email=LONG_EMAIL,
                author_url=LONG_URL,
                body=str(clean_comment_html(text)),
                body_hash=body_fingerprint(text),
                status="pending",
                moderation_note="first comment from this address",
            )
        )
        login_user(admin)
        record("user.create", editor, details="role: editor")
        login_user(editor)
        record(
            "organisation.update",
            organisation,
            details=f"website: (empty) → {LONG_URL}",
        )
        record("statement.update", statement, details="summary: shortened")
        db.session.commit()


def main_pages(app) -> list[tuple[str, str]]:
    """(name, path) of each page to take: the newest statement in the default
    language and its Armenian version (the demo's lead has one), the first top-level
    category; public pages and the sign-in form first, then the signed-in admin."""
    default = app.config["DEFAULT_LANGUAGE"]
    with app.app_context():
        newest = (
            db.select(Statement)
            .where(Statement.public())
            .order_by(Statement.published_at.desc(), Statement.id)
        )
        statement = db.session.scalars(
            newest.where(Statement.language == default)
        ).first()
        armenian = db.session.scalars(
            newest.where(
                Statement.language == "hy",
                Statement.translation_group == statement.translation_group,
            )
        ).first()
        category = db.session.scalars(
            db.select(Category)
            .where(Category.parent_id.is_(None))
            .order_by(Category.id)
        ).first()
        pages = [
            ("home", "/"),
            ("statement", f"/statements/{statement.slug}"),
            ("category", f"/category/{category.slug}"),
            ("accessibility", "/accessibility"),
        ]
        if armenian is not None:
            pages.append(("statement-hy", f"/hy/statements/{armenian.slug}"))
        imported = db.session.scalars(
            newest.where(Statement.title == IMPORTED_TITLE)
        ).first()
        pages.append(("statement-imported", f"/statements/{imported.slug}"))
        return pages + [
            ("admin-login", "/admin/login"),
            ("admin-dashboard", "/admin/"),
            ("admin-comments", "/admin/comments"),
            ("admin-audit", "/admin/audit"),
        ]


def shrink(path: Path) -> None:
    """Rewrite a PNG with a palette of COLOURS colours, undithered, optimised."""
    from PIL import Image

    with Image.open(path) as image:
        small = image.convert("RGB").quantize(
            colors=COLOURS,
            method=Image.Quantize.MEDIANCUT,
            dither=Image.Dither.NONE,
        )
    small.save(path, optimize=True)


def sign_in(page, base: str) -> None:
    """Sign the page's browser context in as the scratch site's admin."""
    page.goto(base + "/admin/login")
    page.fill("input[name=email]", ADMIN_EMAIL)
    page.fill("input[name=password]", ADMIN_PASSWORD)
    page.click("main form button[type=submit]")
    if "/admin/login" in page.url:
        raise SystemExit("could not sign in to the scratch site")


def take(base: str, pages, out: Path) -> list[Path]:
    """Photograph every page in every look at every width; the files written."""
    from playwright.sync_api import sync_playwright

    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        try:
            for look, cookie in LOOKS:
                for width, height in SCREENS:
                    context = browser.new_context(
                        java_script_enabled=False,
                        viewport={"width": width, "height": height},
                    )
                    if cookie:
                        context.add_cookies(
                            [{"name": COOKIE_NAME, "value": cookie, "url": base}]
                        )
                    page = context.new_page()
                    signed_in = False
                    # The pages are in order: public ones and the sign-in form first.
                    for name, path in pages:
                        if path.startswith("/admin/") and path != "/admin/login":
                            if not signed_in:
                                sign_in(page, base)
                                signed_in = True
                        response = page.goto(base + path)
                        if response is None or response.status != 200:
                            raise SystemExit(
                                f"{path} answered {response and response.status}"
                            )
                        full = page.evaluate("document.documentElement.scrollHeight")
                        target = out / f"{name}-{look}-{width}.png"
                        page.screenshot(
                            path=str(target),
                            full_page=True,
                            clip={
                                "x": 0,
                                "y": 0,
                                "width": width,
                                "height": min(full, MAX_HEIGHT),
                            },
                        )
                        shrink(target)
                        written.append(target)
                    context.close()
        finally:
            browser.close()
    return written


def main() -> None:
    """Build the scratch site, serve it, take the pictures, list them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help="folder for the PNGs")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="ngo-screenshots-") as folder:
        app = build_site(Path(folder))
        pages = main_pages(app)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            written = take(f"http://127.0.0.1:{server.server_port}", pages, args.out)
        finally:
            server.shutdown()
            thread.join(timeout=5)
            with app.app_context():
                db.engine.dispose()
    for path in written:
        print(f"{path}  {path.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
