"""Default configuration: safe values, no secrets; NGO_* variables override them."""


class Config:
    """Defaults for every deployment; the environment and tests override them."""

    SITE_NAME = "Rights Watch Network"
    SITE_LANGUAGE = "en"
    # SQLite under instance/ when empty; set NGO_DATABASE_URL for PostgreSQL.
    DATABASE_URL = ""
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    STATEMENTS_PER_PAGE = 10
    # A reader counts once per statement within this many seconds.
    VIEW_WINDOW_SECONDS = 24 * 60 * 60
    # Longest URL path we answer; anything longer is a 414.
    MAX_PATH_LENGTH = 2048
    MAX_CONTENT_LENGTH = 1024 * 1024
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None
