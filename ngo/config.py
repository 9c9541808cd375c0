"""Default configuration: safe values, no secrets; NGO_* variables override them."""


class Config:
    """Defaults for every deployment; the environment and tests override them."""

    SITE_NAME = "Rights Watch Network"
    SITE_LANGUAGE = "en"
    # SQLite under instance/ when empty; set NGO_DATABASE_URL for PostgreSQL.
    DATABASE_URL = ""
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    STATEMENTS_PER_PAGE = 10
    # The `flask db` commands; wsgi.py (web workers) turns them off.
    DB_MIGRATIONS = True
    # Rendered statement pages each worker keeps (about 30 KB each); 0 turns it off.
    PAGE_CACHE_SIZE = 256
    # A reader counts once per statement within this many seconds.
    VIEW_WINDOW_SECONDS = 24 * 60 * 60
    # Longest URL path we answer; anything longer is a 414.
    MAX_PATH_LENGTH = 2048
    MAX_CONTENT_LENGTH = 1024 * 1024
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None

    # Comments (WordPress's defaults). Word lists: a JSON list, or one word or
    # phrase per line or comma in NGO_COMMENT_MODERATION_WORDS / _BLOCK_WORDS.
    COMMENT_MAX_DEPTH = 5
    # Posted sooner than this after the form was served: held for moderation.
    COMMENT_MIN_SECONDS = 3
    # The same client or email posting again within this window gets a 429.
    COMMENT_FLOOD_SECONDS = 15
    # A comment with this many links or more is held for moderation.
    COMMENT_MAX_LINKS = 2
    COMMENT_MODERATION_WORDS: list[str] = []
    COMMENT_BLOCK_WORDS: list[str] = []
    # Close comments this many days after publication; 0 keeps them open.
    COMMENT_CLOSE_AFTER_DAYS = 0
    # How long a reader's own pending comments stay visible to them.
    COMMENT_PENDING_SECONDS = 30 * 24 * 60 * 60
    COMMENT_REMEMBER_SECONDS = 365 * 24 * 60 * 60
