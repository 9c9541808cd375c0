"""What the admin adds to the public pages: signed-in editors may read drafts.

The statement page (ngo.statements.page) owns drafts and old addresses; it asks
the check registered here, so the reading blueprint never imports the admin.
"""

from __future__ import annotations

from flask import session

from ngo.admin.views import bp, can
from ngo.statements.page import allow_previews


def staff_can_see_drafts() -> bool:
    """Whether a signed-in editor (or admin) sent this request.

    Looks at the session first, so that a reader's request never loads a user.
    """
    return "_user_id" in session and can("edit")


@bp.record_once
def _let_editors_preview(state) -> None:
    """When the admin joins an app, tell its statement page who may read drafts."""
    allow_previews(state.app, staff_can_see_drafts)
