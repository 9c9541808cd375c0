"""`make cluster`: nginx in front of several gunicorn app servers, in the foreground.

Runs `flask db upgrade` on the database of NGO_DATABASE_URL (SQLite's
instance/ngo.db when unset), starts APPS gunicorn servers on unix sockets in a run
directory, then nginx on PORT with deploy/'s configuration rendered there (pid,
logs and temporary files in it too). Ctrl-C or SIGTERM stops every process it
started. A child that dies while starting stops the rest with exit status 1; an app
server that dies later is started again, and nginx dying ends the cluster.
"""

from __future__ import annotations

import argparse
import ctypes
import grp
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nginx_config

ROOT = nginx_config.ROOT
GUNICORN_CONF = ROOT / "deploy" / "gunicorn.conf.py"
START_SECONDS = 30
STOP_SECONDS = 12
RESTART_SECONDS = 2


class Stop(Exception):
    """A signal asked the cluster to stop."""


def _stop_on_signal(signum, frame):
    """Turn SIGINT and SIGTERM into Stop, raised where the supervisor waits."""
    raise Stop(signal.Signals(signum).name)


def _die_with_parent() -> None:
    """In a child before exec: SIGTERM it if the supervisor itself is killed."""
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class Child:
    """A process the cluster runs in its own process group, with how to stop it."""

    def __init__(self, name: str, argv: list[str], env: dict, stop_signal: int):
        self.name, self.argv, self.env, self.stop_signal = name, argv, env, stop_signal
        self.process: subprocess.Popen | None = None
        self.started_at = 0.0

    def start(self) -> None:
        """Start it (again) in a new session: a terminal's ^C reaches only us."""
        self.process = subprocess.Popen(
            self.argv,
            cwd=ROOT,
            env=self.env,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
        self.started_at = time.monotonic()

    def alive(self) -> bool:
        """Whether its main process is still running."""
        return self.process is not None and self.process.poll() is None

    def signal(self, signum: int) -> None:
        """Send a signal to its whole process group (gunicorn's workers, nginx's)."""
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signum)
        except ProcessLookupError:
            pass


def stop_all(front: Child | None, apps: list[Child]) -> None:
    """Stop nginx first (gracefully: it finishes the requests it has passed on),
    then the app servers at once (SIGINT: none is left for them); kill whatever
    remains of their groups."""
    for batch in ([front] if front else [], apps):
        for child in batch:
            if child.alive():
                child.process.send_signal(child.stop_signal)  # its main process
        deadline = time.monotonic() + STOP_SECONDS
        for child in batch:
            if child.process is None:
                continue
            try:
                child.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                print(f"cluster: {child.name} did not stop in time", file=sys.stderr)
            child.signal(signal.SIGKILL)  # anything left behind in its group
            if child.process.poll() is None:
                child.process.wait()


def _listening(address: str) -> bool:
    """Whether something accepts connections at a unix socket or host:port."""
    if address.startswith("/"):
        family, target = socket.AF_UNIX, address
    else:
        host, _, port = address.rpartition(":")
        family, target = socket.AF_INET, (host.strip("[]"), int(port))
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.settimeout(1)
        try:
            probe.connect(target)
        except OSError:
            return False
    return True


def wait_until(child: Child, ready, what: str) -> None:
    """Wait for ready() while the child runs; SystemExit if it dies or hangs."""
    deadline = time.monotonic() + START_SECONDS
    while not ready():
        if not child.alive():
            raise SystemExit(f"cluster: {child.name} exited while starting")
        if time.monotonic() > deadline:
            raise SystemExit(f"cluster: {child.name} did not {what}")
        time.sleep(0.1)


def nginx_started(front: Child, pid_file: Path, address: str) -> bool:
    """Whether nginx has bound its port: it writes its pid file only after that (a
    port another process holds would accept the probe too)."""
    try:
        written = pid_file.read_text().strip()
    except FileNotFoundError:
        return False
    return written == str(front.process.pid) and _listening(address)


def worker_owner() -> pwd.struct_passwd | None:
    """Who nginx's workers run as when root starts it: the checkout's owner, who can
    read its static files; None when another user starts it (they run as that one)."""
    if os.geteuid() != 0:
        return None
    return pwd.getpwuid(ROOT.stat().st_uid)


def nginx_user(owner: pwd.struct_passwd | None) -> str | None:
    """nginx's `user` directive's value for that owner."""
    if owner is None:
        return None
    try:
        return f"{owner.pw_name} {grp.getgrgid(owner.pw_gid).gr_name}"
    except KeyError:
        return owner.pw_name


def open_socket_to(path: str, owner: pwd.struct_passwd | None) -> None:
    """Let nginx's workers connect to an app server's socket (made mode 0600)."""
    if owner is not None:
        os.chown(path, owner.pw_uid, owner.pw_gid)


def media_folder() -> Path | None:
    """The app's media folder (ngo.media: NGO_MEDIA_FOLDER under instance/, or
    instance/media), if it exists."""
    folder = ROOT / "instance" / (os.environ.get("NGO_MEDIA_FOLDER") or "media")
    return folder if folder.is_dir() else None


def app_env(database_url: str | None) -> dict:
    """The app servers' environment: behind one proxy, on the chosen database."""
    env = dict(os.environ)
    env.setdefault("NGO_TRUSTED_PROXIES", "1")
    if database_url:
        env["NGO_DATABASE_URL"] = database_url
    return env


def upgrade_database(env: dict) -> None:
    """`flask db upgrade`, before any server starts; SystemExit if it fails."""
    command = [sys.executable, "-m", "flask", "--app", "ngo", "db", "upgrade"]
    if subprocess.run(command, cwd=ROOT, env=env).returncode != 0:
        raise SystemExit("cluster: flask db upgrade failed")


def main(argv: list[str] | None = None) -> int:
    """Run the cluster until a signal asks it to stop."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--host", default="127.0.0.1", help="nginx's address")
    parser.add_argument("--apps", type=int, default=2, help="gunicorn servers")
    parser.add_argument("--workers", type=int, default=2, help="workers per server")
    parser.add_argument(
        "--run-dir",
        type=Path,
        help="for sockets, configuration, logs (default: a temporary one, removed)",
    )
    parser.add_argument(
        "--app-access-log",
        action="store_true",
        help="each app server's access log in the run directory",
    )
    parser.add_argument("--server-name", default="_")
    args = parser.parse_args(argv)
    if args.apps < 1 or args.workers < 1:
        parser.error("--apps and --workers must be at least 1")
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not os.access(nginx, os.X_OK):
        parser.error("nginx is missing: apt-get install nginx (make nginx)")

    signal.signal(signal.SIGINT, _stop_on_signal)
    signal.signal(signal.SIGTERM, _stop_on_signal)
    temporary = args.run_dir is None
    run_dir = (
        Path(tempfile.mkdtemp(prefix="ngo-cluster-")) if temporary else args.run_dir
    )
    run_dir = run_dir.resolve()
    for folder in ("logs", "temp"):
        (run_dir / folder).mkdir(parents=True, exist_ok=True)
    run_dir.chmod(0o755)  # nginx's workers may run as another user
    children: list[Child] = []  # the app servers
    front: Child | None = None  # nginx, once started
    status = 0
    try:
        env = app_env(os.environ.get("NGO_DATABASE_URL"))
        upgrade_database(env)
        sockets = [str(run_dir / f"app{n}.sock") for n in range(1, args.apps + 1)]
        for number, path in enumerate(sockets, start=1):
            command = [sys.executable, "-m", "gunicorn", "--config", str(GUNICORN_CONF)]
            command += ["--bind", f"unix:{path}", "--workers", str(args.workers)]
            command += ["--name", f"ngo-app{number}", "--umask", "0o077"]
            if args.app_access_log:
                log = run_dir / "logs" / f"app{number}-access.log"
                command += ["--access-logfile", str(log)]
            children.append(
                Child(
                    f"app server {number}", command + ["wsgi:app"], env, signal.SIGINT
                )
            )
        for child in children:
            child.start()
        owner = worker_owner()
        for child, path in zip(children, sockets, strict=True):
            wait_until(child, lambda path=path: _listening(path), f"listen on {path}")
            open_socket_to(path, owner)

        site = run_dir / "ngo-site.conf"
        site.write_text(
            nginx_config.site_conf(
                f"{args.host}:{args.port}",
                sockets,
                server_name=args.server_name,
                media_root=media_folder(),
                retry_after=int(os.environ.get("NGO_OUTAGE_RETRY_SECONDS") or 30),
            )
        )
        conf = run_dir / "nginx.conf"
        conf.write_text(nginx_config.main_conf(run_dir, site, user=nginx_user(owner)))
        command = [nginx, "-p", f"{run_dir}/", "-c", str(conf), "-g", "daemon off;"]
        front = Child("nginx", command, dict(os.environ), signal.SIGQUIT)
        front.start()
        address = f"{args.host}:{args.port}"
        pid_file = run_dir / "nginx.pid"
        wait_until(
            front,
            lambda: nginx_started(front, pid_file, address),
            f"listen on {address}",
        )
        host = f"[{args.host}]" if ":" in args.host else args.host
        print(
            f"ngo cluster: open http://{host}:{args.port}/ (nginx in front of "
            f"{args.apps} app servers of {args.workers} workers; "
            f"run directory {run_dir}). Ctrl-C stops it.",
            flush=True,
        )
        status = supervise(front, list(zip(children, sockets, strict=True)), owner)
    except Stop as stop:
        print(f"cluster: {stop} received: stopping", file=sys.stderr, flush=True)
    except SystemExit as failure:
        print(failure, file=sys.stderr, flush=True)
        status = 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        stop_all(front, children)
        if temporary and status == 0:
            shutil.rmtree(run_dir, ignore_errors=True)
        elif status:
            print(f"cluster: logs are in {run_dir / 'logs'}", file=sys.stderr)
    return status


def supervise(front: Child, apps: list[tuple[Child, str]], owner) -> int:
    """Watch the children until a signal: start a dead app server again; 1 if nginx
    dies."""
    while True:
        time.sleep(0.5)
        if not front.alive():
            print("cluster: nginx exited", file=sys.stderr, flush=True)
            return 1
        dead = [
            (app, path)
            for app, path in apps
            if not app.alive() and time.monotonic() - app.started_at > RESTART_SECONDS
        ]
        for app, _ in dead:
            print(f"cluster: {app.name} exited: starting it again", file=sys.stderr)
            app.signal(signal.SIGKILL)  # any worker it left
            app.start()
        for app, path in dead:
            try:
                wait_until(app, lambda path=path: _listening(path), f"listen on {path}")
                open_socket_to(path, owner)
            except SystemExit as failure:
                print(failure, file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
