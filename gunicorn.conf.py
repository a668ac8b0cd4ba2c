"""gunicorn settings: `gunicorn -c gunicorn.conf.py wsgi:app`. Values come from the environment via config.py."""
from config import env_bool, env_int, env_list, env_str

# 127.0.0.1: nginx (deploy/nginx.conf.example) is the only client; a load balancer that talks
# to the app servers directly needs GUNICORN_BIND=0.0.0.0:8000 and a firewall.
bind = env_str("GUNICORN_BIND", "127.0.0.1:8000")
# The app is I/O-bound on the database; 2 × CPU cores + 1 is gunicorn's rule of thumb.
workers = env_int("GUNICORN_WORKERS", 3)
threads = env_int("GUNICORN_THREADS", 1)
timeout = env_int("GUNICORN_TIMEOUT", 30)
graceful_timeout = env_int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = 5
# Restart workers now and then so a slow leak never takes a server down. Not too often: a
# restarted worker starts with an empty page cache (the embedded store) and compiles its
# templates again; at cache-hit speed 2,000 requests were a few seconds (BENCHMARKS.md).
max_requests = env_int("GUNICORN_MAX_REQUESTS", 50000)
max_requests_jitter = env_int("GUNICORN_MAX_REQUESTS_JITTER", 5000)
# Load the app before forking: a broken configuration stops the start instead of every worker.
preload_app = env_bool("GUNICORN_PRELOAD", True)

# Which proxies may set X-Forwarded-*. gunicorn only uses this for its own wsgi.url_scheme;
# the app trusts the headers through ProxyFix with PROXY_FIX_COUNT=1 (one nginx in front).
# Keep both in step: the address nginx connects from here, the number of proxies there.
forwarded_allow_ips = ",".join(env_list("FORWARDED_ALLOW_IPS", ["127.0.0.1", "::1"]))

# The app writes one JSON line per request (app/logging.py) with the route pattern instead of
# the path, so the access log is off by default: paths carry tokens (password reset, guest
# comment confirmation), query strings carry search words, and the client IP is personal data.
# GUNICORN_ACCESS_LOG=- switches it on with a format that has neither IP nor query string
# (%(U)s is the path without the query; no %(h)s, %(r)s, %(q)s, %(a)s, %(f)s).
accesslog = env_str("GUNICORN_ACCESS_LOG")
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
errorlog = "-"
loglevel = env_str("LOG_LEVEL", "info").lower()
# gunicorn's own messages ("Invalid request from ip=...") go through the app's JSON formatter,
# which scrubs IP and e-mail addresses.
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "app.logging.JsonFormatter"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
    # The app's own handler goes on the root logger in create_app (app/logging.py).
    "root": {"level": loglevel.upper(), "handlers": []},
    "loggers": {
        "gunicorn.error": {"handlers": ["stderr"], "level": loglevel.upper(), "propagate": False},
        "gunicorn.access": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
    },
}
proc_name = "etappen"
