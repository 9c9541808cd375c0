"""The framework's floor: a bare Flask app that answers with bytes captured from ngo.

`bench/run.py` captures each measured page (body, status, headers) from the real
site, writes them to the JSON file named by NGO_BENCH_FLOOR_PAGES, and serves this
app on the same gunicorn settings. Whatever ngo spends beyond this app's time is
ngo's own cost: routing, database, templates, hooks.
"""

import json
import os

from flask import Flask, Response, abort

app = Flask(__name__)

with open(os.environ["NGO_BENCH_FLOOR_PAGES"], encoding="utf-8") as fh:
    PAGES = {
        path: (page["body"].encode("utf-8"), page["status"], page["headers"])
        for path, page in json.load(fh).items()
    }


@app.get("/", defaults={"path": ""})
@app.get("/<path:path>")
def page(path):
    """The captured response for this path, byte for byte."""
    try:
        body, status, headers = PAGES["/" + path]
    except KeyError:
        abort(404)
    return Response(body, status=status, headers=headers)
