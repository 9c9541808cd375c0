"""The search page, /search?q=…: the reader's words, one page of results.

Never cached by the page cache (a query is anyone's text) and never indexed by
search engines (`noindex`). Whatever the query holds, the answer is a page of the
site: 200 with results or a note (nothing typed; no letters or digits in it), 400
with the note and the first 200 characters kept in the box for a query longer than
that, 404 for a page past the last.
"""

from flask import Blueprint, abort, make_response, render_template, request

from ngo.i18n import current_language
from ngo.paging import page_number
from ngo.search.engine import search
from ngo.search.text import MAX_QUERY_CHARACTERS, read_query

bp = Blueprint("search", __name__)


@bp.get("/search")
def results():
    """Published statements that match the words of `q`, best first, paginated."""
    query = read_query(request.args.get("q", ""))
    page = page_number()
    found = search(query, current_language(), page)
    if page > found.pages:
        abort(404)
    status = 400 if query.problem == "too_long" else 200
    page_html = render_template(
        "search/results.html",
        results=found,
        box=query.text[:MAX_QUERY_CHARACTERS],
        max_characters=MAX_QUERY_CHARACTERS,
        noindex=True,  # no canonical address either (ngo.previews)
    )
    response = make_response(page_html, status)
    response.headers["X-Robots-Tag"] = "noindex"
    return response
