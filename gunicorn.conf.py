"""gunicorn settings for the service: `gunicorn -c gunicorn.conf.py` (the app is `app:create_app()`).

Sized for a small host (2 cores): environment variables override every default; the settings
and their defaults are declared in service/core/settings.py (docs/deploy.md lists them).

- WEB_CONCURRENCY: worker processes, default 2 per core. Python runs one thread at a time per
  process, so processes are what use the cores; two per core keep a core busy while the other
  worker of the pair waits on the database.
- GUNICORN_THREADS: threads per worker (gthread), default 2: a request waiting on the database
  or a slow client does not hold up the next one, and keep-alive connections are kept (sync
  workers close every connection). Each thread holds at most one pooled database connection,
  so threads stay well below a worker's pool (service/core/db.py: 5 + 10 overflow).
- HOST / PORT: where to listen, default 127.0.0.1:8000; a container sets HOST=0.0.0.0.
- GUNICORN_TIMEOUT: seconds before a silent worker is killed and replaced, default 30.

preload_app stays off: every worker imports the app and builds its own engine, so no database
connection (PostgreSQL socket, SQLite handle) is ever shared across a fork, and a worker that
max_requests recycles comes back exactly as the first one started. Preloading would save some
memory by copy-on-write, but a worker stays well under 150 MB without it (bench/README.md).
"""
import multiprocessing
import os
import sys

from service.core import settings

# The application reads the same PORT for its default PUBLIC_BASE_URL (app.listening_address).
os.environ.setdefault("PORT", "8000")
# Every setting is checked here, before any worker starts: a wrong value stops gunicorn with one
# line naming it (service/core/settings.py), not a worker's traceback.
try:
    app_values = settings.load(os.environ)
    values = settings.load(os.environ, where=settings.GUNICORN)
except settings.SettingsError as refusal:
    sys.exit(str(refusal))

wsgi_app = "app:create_app()"
bind = f"{app_values['HOST']}:{app_values['PORT']}"
workers = values["WEB_CONCURRENCY"] or 2 * multiprocessing.cpu_count()
threads = values["GUNICORN_THREADS"]
worker_class = "gthread"
preload_app = False

timeout = int(values["GUNICORN_TIMEOUT"])
graceful_timeout = 30
keepalive = 5
# A worker is replaced after about this many requests, staggered by the jitter so that not all
# of them restart at once: whatever a long-lived process accumulates is returned.
max_requests = values["GUNICORN_MAX_REQUESTS"]
max_requests_jitter = 200

# Requests are logged by the app itself; gunicorn reports only its own events.
accesslog = None
errorlog = "-"
loglevel = values["GUNICORN_LOG_LEVEL"]
# Behind a reverse proxy on the same host: trust its X-Forwarded-* headers.
forwarded_allow_ips = ",".join(values["FORWARDED_ALLOW_IPS"])

# gunicorn's own lines as JSON too, masked like the app's (web/logs.py); its access log stays off.
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "root": {"level": "INFO", "handlers": []},  # the app adds its handler to the root logger
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["json"], "propagate": False,
                           "qualname": "gunicorn.error"},
        "gunicorn.access": {"level": "WARNING", "handlers": [], "propagate": False,
                            "qualname": "gunicorn.access"},
    },
    "handlers": {"json": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["mask"],
                          "stream": "ext://sys.stderr"}},
    "filters": {"mask": {"()": "web.logs.MaskingFilter"}},
    "formatters": {"json": {"()": "web.logs.JsonFormatter"}},
}


def on_starting(server):
    """Prometheus multiprocess mode (PROMETHEUS_MULTIPROC_DIR): start from an empty directory,
    or the counts of a previous run would be added to this one's."""
    folder = app_values["PROMETHEUS_MULTIPROC_DIR"]
    if folder:
        os.makedirs(folder, exist_ok=True)
        for name in os.listdir(folder):
            if name.endswith(".db"):
                os.remove(os.path.join(folder, name))


def child_exit(server, worker):
    if app_values["PROMETHEUS_MULTIPROC_DIR"]:
        from prometheus_client import multiprocess
        multiprocess.mark_process_dead(worker.pid)
