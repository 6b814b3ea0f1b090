"""gunicorn's settings for production (``make serve``; README "Deploying").

The master process also starts the task worker (``manage.py qcluster``: the
queue's workers and its scheduler) and stops it when it stops itself, so one
command, one process for systemd to watch, and one signal (SIGTERM to the
master) stop it all. The worker runs in a session of its own: django-q2 hangs
when SIGTERM reaches all its processes at once, as a Ctrl-C in a terminal
would do; it is stopped through its main process only.
``TASK_WORKER=0`` leaves it out, for a machine that only serves pages while
another runs the one worker.

The access log names the method, the path without its query string (and
without a password reset link's token), the status, the size and the time:
no visitor's address, no search words.
"""

import os
import subprocess
import sys
from typing import Any

from gunicorn.glogging import Logger

from kinderpardon.logs import redact_path

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# gunicorn 27's control socket (~/.gunicorn/gunicorn.ctl, one path for every
# instance of a user) is not used: systemd and signals run the server.
control_socket_disable = True
accesslog = "-"
access_log_format = "%(m)s %(U)s %(s)s %(B)sB %(M)sms"


class AccessLogger(Logger):
    """gunicorn's logger, with the secrets some paths carry (a password reset
    link's token) left out of the access log, as the app's own log does."""

    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["U"] = redact_path(atoms["U"])
        return atoms


logger_class = AccessLogger

_task_worker: subprocess.Popen[bytes] | None = None


def on_starting(server: Any) -> None:
    global _task_worker
    if os.environ.get("TASK_WORKER", "1") == "0":
        return
    settings = os.environ.get("DJANGO_SETTINGS_MODULE", "kinderpardon.settings")
    _task_worker = subprocess.Popen(  # noqa: S603 (our own interpreter and command)
        [sys.executable, "-m", "django", "qcluster", "--settings", settings],
        start_new_session=True,
    )
    server.log.info("Task worker started (pid %s)", _task_worker.pid)


def on_exit(server: Any) -> None:
    if _task_worker is None or _task_worker.poll() is not None:
        return
    _task_worker.terminate()
    try:
        _task_worker.wait(timeout=60)
    except subprocess.TimeoutExpired:
        server.log.error("Task worker did not stop within 60 s; killed")
        _task_worker.kill()
