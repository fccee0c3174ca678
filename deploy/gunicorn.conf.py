"""Gunicorn settings for the marketplace (pure configuration, read with `-c`).

Start it from the checkout (templates/ and static/ live at the repository root):

    gunicorn -c deploy/gunicorn.conf.py 'marketplace:create_app()'

Most values can be changed through the environment; see deploy/env.example.
"""

import os

# Address to listen on. Behind nginx on the same host keep the loopback default;
# inside a container use 0.0.0.0:8000.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")

# Processes: GUNICORN_WORKERS, else 2 x CPUs usable by this process + 1, capped at 8.
# PostgreSQL sees up to about workers x threads connections from the web service.
_cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
workers = int(os.environ.get("GUNICORN_WORKERS") or min(2 * _cpus + 1, 8))

# Threads per worker (gthread worker): a slow request does not block the whole process.
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS") or 4)

# Open connections one worker holds at most (default 4 per thread). Workers race to accept connections; without a
# bound, one worker may take nearly every keep-alive connection (nginx's upstream pool, a load balancer's) and queue
# them behind its few threads while another worker idles: requests wait and the slowest ones (p99) double. Above
# the bound a connection waits in the listen queue for a worker with room.
worker_connections = int(os.environ.get("GUNICORN_WORKER_CONNECTIONS") or 4 * threads)

# Seconds: a worker silent for `timeout` is killed and replaced; on stop or reload workers
# get `graceful_timeout` to finish their requests; idle keep-alive connections from nginx
# are held for `keepalive`.
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 30)
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT") or 30)
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE") or 5)

# Recycle workers now and then, so a slow leak never grows unbounded.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS") or 2000)
max_requests_jitter = max_requests // 10

# Proxies whose X-Forwarded-Proto header is trusted (so that the app knows a request came over
# HTTPS). Must list the address nginx connects from. Gunicorn itself reads FORWARDED_ALLOW_IPS
# too; it is repeated here so the value is visible in one place.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Logs on stdout/stderr (journald or `docker logs` collect them). The access log shows the
# client address forwarded by nginx, then the direct peer.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%({x-forwarded-for}i)s %(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'

# Heartbeat files in RAM rather than on a possibly slow or read-only disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# Control socket for `gunicornc` (gunicorn 25.1 and later; older versions ignore these names).
# Off unless GUNICORN_CONTROL_SOCKET names a path, rather than landing in $HOME/.gunicorn/.
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "")
control_socket_disable = not control_socket

proc_name = "marketplace"
