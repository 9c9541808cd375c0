"""Every configuration default, in one place: safe values, no secrets.

Each is overridden by an `NGO_*` environment variable of the same name (parsed as JSON
where it can be), then by a test's overrides; README's Configuration table lists the
ones a deployer sets.
"""


class Config:
    """Defaults for every deployment; the environment and tests override them."""

    # The site's name in the header and page titles.
    SITE_NAME = "Rights Watch Network"
    # One line under the name in the header; empty shows none.
    # A string, or one per language: {"hy": …, "en": …, "ru": …} (as JSON in the
    # environment); a language without one shows the default language's.
    SITE_TAGLINE = {
        "hy": "Քաղաքացիական հասարակության կազմակերպությունների "
        "հայտարարություններ և կոչեր",
        "en": "Statements and appeals of civil-society organisations",
        "ru": "Заявления и обращения организаций гражданского общества",
    }
    # The site's public address, scheme and host ("https://rights.example.org"), for
    # the absolute addresses of canonical links, link previews, feeds and the sitemap
    # (ngo.urls.absolute_url); a path in it is ignored. Empty: each request's own
    # scheme and host, and the page cache then keeps each page per host.
    SITE_URL = ""
    # The logo in the header and the page icon: a path to an .svg or .png file, served
    # with a content hash; empty uses the built-in ngo/static/icons/icon.svg.
    SITE_LOGO = ""
    # Where imported files (WordPress uploads) are kept and served from at /media/…:
    # a path, relative to the instance folder; empty is instance/media.
    MEDIA_FOLDER = ""
    # The organisation's colour, #rrggbb; a look where it reads below 4.5:1 keeps
    # its own (ngo/identity.py).
    ACCENT_COLOR = "#8a1c1c"
    # The language of addresses without a prefix (hy, en or ru; the others are under
    # /hy/… and /ru/…), and of imported statements that name none.
    DEFAULT_LANGUAGE = "en"
    # Dates and times are written in this time zone (an IANA name).
    TIMEZONE = "Asia/Yerevan"
    # Lists show the statements in the page's language first; "after" lists the
    # others after them, "hidden" leaves them out.
    OTHER_LANGUAGES = "after"
    # SQLite under instance/ when empty; set NGO_DATABASE_URL for PostgreSQL.
    DATABASE_URL = ""
    # Test pooled connections before use, so a restarted database costs no 500.
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    # Seconds a new PostgreSQL connection may take before the request gives up.
    DATABASE_CONNECT_TIMEOUT = 3
    # While the database cannot answer (ngo.outages): the Retry-After of a 503...
    OUTAGE_RETRY_SECONDS = 30
    # ...and one log line per kind of failure per this many seconds.
    OUTAGE_LOG_SECONDS = 60
    # Statements on one page of a list (home, all statements, category, organisation).
    STATEMENTS_PER_PAGE = 10
    # Rendered statement pages each worker keeps (about 30 KB each); 0 turns it off.
    PAGE_CACHE_SIZE = 256
    # A reader counts once per statement within this many seconds.
    VIEW_WINDOW_SECONDS = 24 * 60 * 60

    # Reverse proxies in front of the app whose X-Forwarded-For/-Proto are believed.
    TRUSTED_PROXIES = 0
    # Host names the site answers to (".example.org" takes subdomains); None: any.
    TRUSTED_HOSTS: list[str] | None = None
    # Longest URL path we answer; anything longer is a 414.
    MAX_PATH_LENGTH = 2048
    # Largest request body we read (bytes); a larger one is a 413.
    MAX_CONTENT_LENGTH = 1024 * 1024
    # Staff cookies are Secure on HTTPS requests anyway; True makes them Secure always.
    SESSION_COOKIE_SECURE = False
    # No script reads the session cookie, and other sites' forms do not carry it.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # A CSRF token lasts as long as the session, so a long comment is never lost.
    WTF_CSRF_TIME_LIMIT = None

    # Comments (WordPress's defaults). Word lists: a JSON list, or one word or
    # phrase per line or comma in NGO_COMMENT_MODERATION_WORDS / _BLOCK_WORDS.
    # Deepest level of threaded replies.
    COMMENT_MAX_DEPTH = 5
    # Posted sooner than this after the form was served: held for moderation.
    COMMENT_MIN_SECONDS = 3
    # The same client or email posting again within this window gets a 429.
    COMMENT_FLOOD_SECONDS = 15
    # A comment with this many links or more is held for moderation.
    COMMENT_MAX_LINKS = 2
    # Words or phrases that hold a comment for moderation.
    COMMENT_MODERATION_WORDS: list[str] = []
    # Words or phrases that send a comment to spam.
    COMMENT_BLOCK_WORDS: list[str] = []
    # Close comments this many days after publication; 0 keeps them open.
    COMMENT_CLOSE_AFTER_DAYS = 0
    # How long a reader's own pending comments stay visible to them.
    COMMENT_PENDING_SECONDS = 30 * 24 * 60 * 60
    # How long "Save my name, email, and website" remembers them.
    COMMENT_REMEMBER_SECONDS = 365 * 24 * 60 * 60

    # Staff. A sign-in lasts at most this long, however active the session.
    ADMIN_SESSION_SECONDS = 12 * 60 * 60
    # Shortest password a staff account may have.
    PASSWORD_MIN_LENGTH = 12
    # The sign-in lockout (ngo.admin.auth). Wrong passwords for one account from one
    # client before that client is locked out of that account...
    LOGIN_MAX_FAILURES = 5
    # ...wrong passwords from one client, whatever the accounts, before it is locked
    # out of every account...
    LOGIN_CLIENT_MAX_FAILURES = 20
    # ...wrong passwords for one account from any clients before browsers that never
    # signed in to it are locked out of it (its known browsers still sign in)...
    LOGIN_ACCOUNT_MAX_FAILURES = 50
    # ...each within, and lasting, this long after the last of them.
    LOGIN_LOCKOUT_SECONDS = 15 * 60
    # Sign-in attempts are kept this long for the sign-ins page, then deleted.
    LOGIN_ATTEMPTS_KEEP_DAYS = 90
