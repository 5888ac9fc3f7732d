"""gunicorn's configuration for Tremplin (README, « Production »; systemd/tremplin-web.service).

    .venv/bin/gunicorn --config deploy/gunicorn.conf.py config.wsgi

Read by gunicorn only: the application's own settings come from /etc/tremplin/env.
"""

import multiprocessing

# nginx (deploy/nginx/tremplin.conf) is in front and the only client: listen on the loopback
# only. A unix socket would do as well; a port is easier to test with curl.
bind = "127.0.0.1:8000"

# Worker class: gthread — processes, each with a few threads.
# * The code is synchronous Django (no async views): an event loop (uvicorn workers) would gain
#   nothing, and gevent's monkey-patching is unsafe with psycopg's C library and numpy.
# * A thread waiting on PostgreSQL or on a matching query leaves the process's other threads
#   serving, at a fraction of a process's memory (each process holds the matching matrix).
# * Slow clients are nginx's business: it reads the whole upload before passing it on, and
#   buffers the whole answer (proxy_buffering), so a thread is held only for the time Django
#   works, never for a phone on a rural 3G link.
worker_class = "gthread"
# Two processes per core (at least two, so that one can be recycled while the other serves).
workers = max(2, multiprocessing.cpu_count() * 2)
threads = 4
# Each thread keeps its database connection (CONN_MAX_AGE=60): workers × threads connections,
# plus one per tasks_worker, must stay under PostgreSQL's max_connections (100 by default).

# A request still running after 30 s is stuck (no page needs that long): the worker is killed
# and restarted; nginx waits a little longer (proxy_read_timeout 35s) so that it reports it.
timeout = 30
# On SIGTERM (systemctl stop / restart) the requests in flight get 25 s to finish; systemd
# waits 35 s (TimeoutStopSec) before killing.
graceful_timeout = 25
# nginx keeps upstream connections open (keepalive 16): a bit longer than its own idle time.
keepalive = 75

# Recycle each worker after about a thousand requests (jitter: not all at once), so that a
# slow memory growth never becomes an outage.
max_requests = 1000
max_requests_jitter = 100

# The heartbeat file on tmpfs, not on a disk that may stall under load.
worker_tmp_dir = "/dev/shm"

# Logs to stdout/stderr: systemd's journal (journalctl -u tremplin-web).
accesslog = "-"
errorlog = "-"
loglevel = "info"
# The client's address as nginx saw it (X-Forwarded-For is read by Django with NUM_PROXIES=1).
access_log_format = '%({x-forwarded-for}i)s "%(r)s" %(s)s %(b)s %(M)sms "%(f)s" "%(a)s"'
proc_name = "tremplin"

# Trust X-Forwarded-Proto from nginx on the same machine only.
forwarded_allow_ips = "127.0.0.1,::1"
