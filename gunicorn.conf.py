"""Gunicorn's settings for Newsroom in production: `gunicorn` from the repository root reads them.

Each can be changed from the environment:

    GUNICORN_BIND=0.0.0.0:8000 GUNICORN_WORKERS=4 gunicorn

Set DJANGO_DEBUG=false and the other production variables (README.md, Configuration) too.
"""

import os


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


wsgi_app = "newsroom.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")
# One worker per core: each request is CPU work (templates, SQLite), with few long waits. Each
# worker runs GUNICORN_THREADS requests at once (gthread; 1: a sync worker): requests that wait
# for the disk (consent choices) then share one commit (core.group_commit), and connections are
# kept alive for nginx's upstream keepalive.
workers = int(os.environ.get("GUNICORN_WORKERS", _cores()))
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
worker_class = "gthread" if threads > 1 else "sync"
# A request that takes longer than this is stuck: the worker is killed and replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "20"))
# Load Django once in the master, so workers start fast and share its memory.
preload_app = True
# Recycling workers is off unless asked for (a guard against a slow leak, not a cure).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "0"))
max_requests_jitter = max_requests // 10
# The front server (nginx, a load balancer) logs requests; errors go to stderr.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Trust X-Forwarded-* only from the front server on this machine.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# No control socket in the home directory: several instances may share one machine.
control_socket_disable = True
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
