"""Health checks: /healthz says the process is alive, /readyz that it can serve.

/readyz is what nginx's upstream and any load balancer ask: 200 only when the
database answers and accepts a write, checked with a real committed write of one
tiny row (an upsert of a reserved key in the flood guard's table), so a full
disk, a read-only or locked database fails it as it fails a reader's comment.
"""

from flask import Blueprint
from sqlalchemy.dialects import postgresql, sqlite

from ngo import caching, outages
from ngo.extensions import db
from ngo.models import CommentThrottle, utcnow

bp = Blueprint("health", __name__)

# The readiness row's key: flood-guard keys are hex hashes, so it is never one.
READINESS_KEY = "ngo:readyz"


@bp.get("/healthz")
def healthz():
    """200 while the process runs; it never touches the database."""
    caching.no_store()
    return {"status": "ok"}


@bp.get("/readyz")
def readyz():
    """200 when the database answers and commits a write; 503 with the reason."""
    caching.no_store()
    try:
        write_readiness_row()
    except Exception as error:
        if not outages.is_database_error(error):
            raise
        # Any database error says "not ready" (an empty file: "no such table").
        failure = outages.classify(error) or outages.Failure(
            "database error", outages.first_line(error)
        )
        outages.rollback_quietly()
        outages.record(failure)
        body = {"status": "unavailable", "reason": failure.kind}
        return body, 503, {"Retry-After": str(outages.retry_after())}
    return {"status": "ok", "database": "up", "write": "ok"}


def write_readiness_row() -> None:
    """Upsert the readiness row with the time now, and commit it."""
    table = CommentThrottle.__table__
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    now = utcnow()
    upsert = (
        dialect.insert(table)
        .values(key=READINESS_KEY, posted_at=now)
        .on_conflict_do_update(index_elements=[table.c.key], set_={"posted_at": now})
    )
    db.session.execute(upsert)
    db.session.commit()
