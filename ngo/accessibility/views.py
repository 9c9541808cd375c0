"""The accessibility blueprint: preferences in one cookie, applied on every page."""

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from ngo.accessibility import preferences as p
from ngo.accessibility.forms import PreferencesForm
from ngo.urls import safe_next

bp = Blueprint("accessibility", __name__)

FOCUS_KEY = "a11y_focus"


def current_preferences() -> p.Preferences:
    """The reader's preferences from the cookie, read once per request."""
    if "a11y" not in g:
        g.a11y = p.Preferences.decode(request.cookies.get(p.COOKIE_NAME))
    return g.a11y


def current_path() -> str:
    """The path (and query) of this page, for the toolbar's forms to return to.

    A page answering a POST (a form shown again with its errors) has no address
    to come back to; the page that sent the form, when it is ours, is next best."""
    if request.method in ("GET", "HEAD"):
        path = request.script_root + request.path  # with its language prefix
        query = request.query_string.decode("latin-1")
    else:
        try:
            referrer = urlsplit(request.referrer or "")
        except ValueError:  # "http://[::1" and other hosts no URL can have
            return "/"
        if referrer.netloc != request.host or referrer.scheme not in ("http", "https"):
            return "/"
        path, query = referrer.path, referrer.query
    return safe_next(path + (f"?{query}" if query else ""))


@bp.app_context_processor
def inject_preferences():
    """Hand every template the reader's choices and the options to choose from."""
    return {
        "a11y": current_preferences(),
        "a11y_options": p,
        "a11y_next": current_path(),
        "a11y_autofocus": _pop_autofocus,
    }


def _pop_autofocus() -> str:
    """The id of the button pressed before a no-JS redirect, so it gets focus back.

    Taken from the session once per request (the first page rendered uses it)."""
    if "a11y_focus" not in g:
        g.a11y_focus = session.pop(FOCUS_KEY, "") if FOCUS_KEY in session else ""
    return g.a11y_focus


def _wants_json() -> bool:
    """True for the script's requests, which restyle the page in place."""
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def _store(response, prefs: p.Preferences):
    """Write the preferences cookie, or delete it when everything is default."""
    value = prefs.encode()
    if not value:
        response.delete_cookie(
            p.COOKIE_NAME,
            path="/",
            secure=request.is_secure,
            httponly=True,
            samesite="Lax",
        )
    else:
        response.set_cookie(
            p.COOKIE_NAME,
            value,
            max_age=p.COOKIE_MAX_AGE,
            path="/",
            secure=request.is_secure,
            httponly=True,
            samesite="Lax",
        )
    return response


def _focus_id(form: PreferencesForm, group: str, value: str) -> str:
    """The id of the button that made a choice, as the templates write it."""
    prefix = "settings" if form.place.data == "settings" else "a11y"
    if group in ("toolbar", "reset"):
        return f"{prefix}-{'toggle' if group == 'toolbar' else 'reset'}"
    if group == form.apply.data:
        return f"{prefix}-{group}-apply"
    return f"{prefix}-{group}-{value.removeprefix('#').lower()}"


@bp.route("/accessibility", methods=["GET", "POST"])
def settings():
    """The preferences page; a POST applies one choice and returns to the page."""
    form = PreferencesForm()
    prefs = current_preferences()
    if request.method == "GET":
        back = request.args.get("next")
        return render_template(
            "accessibility/settings.html",
            form=form,
            back=safe_next(back) if back else "",
        )
    if not form.validate():
        if _wants_json():
            # The messages are lazy translations: made into text for JSON.
            errors = {
                name: [str(message) for message in messages]
                for name, messages in form.errors.items()
            }
            return jsonify(errors=errors), 400
        back = safe_next(form.next.data)
        return render_template(
            "accessibility/settings.html",
            form=form,
            back=back,
            a11y_next=url_for("accessibility.settings", next=back),
        ), 400
    choices = form.choices()
    for group, value in choices:
        prefs = prefs.with_choice(group, value)
    g.a11y = prefs
    last = choices[-1] if choices else ("", "")
    message = prefs.describe(last[0]) if last[0] else ""
    if _wants_json():
        return _store(jsonify(message=message, **prefs.state()), prefs)
    if last[0]:
        session[FOCUS_KEY] = _focus_id(form, *last)
    return _store(redirect(safe_next(form.next.data), code=303), prefs)
