"""Gunicorn settings of the site's app servers behind nginx (make cluster, production).

Run as `gunicorn -c deploy/gunicorn.conf.py --bind ADDRESS wsgi:app`. Sync workers,
as in `make bench`: nginx buffers every request and answer, so a worker is busy only
for the app's own milliseconds, and a few per core are enough.
"""

import os

# gunicorn's own variable for the number of workers; --workers overrides it.
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "sync"
# A request that takes this long is stuck: its worker is killed and replaced.
timeout = 30
# On SIGTERM, requests in progress get this long to finish.
graceful_timeout = 10
loglevel = "info"
# The access log is nginx's; set one with --access-logfile to see the app's own.
accesslog = None
