"""Gunicorn settings shared by the site and the floor app in `make bench`.

Both servers load this file, so the only difference between them is the app.
Workers and worker class come from run.py through the environment.
"""

import os

workers = int(os.environ.get("NGO_BENCH_WORKERS", "2"))
worker_class = os.environ.get("NGO_BENCH_WORKER_CLASS", "sync")
threads = int(os.environ.get("NGO_BENCH_THREADS", "1"))
accesslog = None
loglevel = "warning"

COUNTS_DIR = os.environ.get("NGO_BENCH_COUNTS_DIR")
_served = 0


def post_request(worker, req, environ, resp):
    """Count this worker's requests into COUNTS_DIR/<pid>, every 100th request.

    run.py reads these files to know when every worker has served 10,000
    requests before it reads the workers' resident memory.
    """
    global _served
    _served += 1
    if COUNTS_DIR and _served % 100 == 0:
        path = os.path.join(COUNTS_DIR, str(os.getpid()))
        with open(path + ".tmp", "w") as fh:
            fh.write(str(_served))
        os.replace(path + ".tmp", path)
