"""Error pages: every HTTP error is rendered by the site's own template."""

from flask import Flask, current_app, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException, InternalServerError

from ngo import outages
from ngo.extensions import db
from ngo.security import replace_bad_host

# Each error's title and explanation, in the page's language when it is shown.
MESSAGES = {
    400: (
        _l("Bad request"),
        _l(
            "The request could not be understood. "
            "Please check the address or the form and try again."
        ),
    ),
    403: (_l("Forbidden"), _l("You are not allowed to do that here.")),
    404: (
        _l("Page not found"),
        _l(
            "There is no page at this address. "
            "It may have moved, or the address may be mistyped."
        ),
    ),
    405: (_l("Method not allowed"), _l("This page cannot be used that way.")),
    409: (_l("Conflict"), _l("That conflicts with something already here.")),
    413: (_l("Too large"), _l("What you sent is too large.")),
    414: (_l("Address too long"), _l("The address of this page is too long.")),
    415: (
        # Translators: the title of the page a request in a format other than a
        # browser's form (JSON, say) gets.
        _l("Unsupported form"),
        _l("This page takes forms as a browser sends them, not in that format."),
    ),
    429: (_l("Too many requests"), _l("Please wait a moment before trying again.")),
    500: (
        _l("Something went wrong"),
        _l(
            "An error on our side stopped this page. "
            "It has been logged; please try again shortly."
        ),
    ),
    503: (
        _l("Service unavailable"),
        _l("The site is briefly unavailable. Please try again shortly."),
    ),
}


def render_error(error: HTTPException, **context):
    """Render an HTTP error with the site's layout and its status code."""
    code = error.code or 500
    replace_bad_host()  # the layout builds links, which a bad Host would break
    title, message = MESSAGES.get(code, (error.name, error.description))
    if code == 400 and error.description and "CSRF" in str(error.description):
        message = _(
            "The form had expired or was sent from elsewhere. "
            "Please reload the page and send it again."
        )
    # Keep headers such as Allow (405) or Retry-After (429), not the plain-text type.
    headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
    page = render_template(
        "errors/error.html",
        code=code,
        title=str(title),
        message=str(message),
        **context,
    )
    return page, code, headers


def handle_server_error(error: Exception):
    """Roll back the failed transaction, then show the 500 page (a database outage
    met outside a view, in an error page's own lookups say, answers as one)."""
    original = getattr(error, "original_exception", None) or error
    failure = outages.classify(original)
    if failure is not None:
        return outages.answer(failure)
    db.session.rollback()
    current_app.logger.error("Unhandled error", exc_info=original)
    return render_error(InternalServerError())


def init_app(app: Flask) -> None:
    """Route every HTTP error to the site's error page."""
    app.register_error_handler(HTTPException, render_error)
    app.register_error_handler(InternalServerError, handle_server_error)
