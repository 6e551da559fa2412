"""gunicorn settings (``gunicorn -c python:config.gunicorn config.wsgi``), from the environment.

gunicorn's own access log is off: config.metrics writes one access line per request with
the request id, through the same JSON logging as everything else.
"""

import os

from config.logging import build

bind = os.environ.get("WEB_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_WORKERS", "2"))
threads = int(os.environ.get("WEB_THREADS", "1"))
timeout = int(os.environ.get("WEB_TIMEOUT", "30"))
graceful_timeout = 20
max_requests = int(os.environ.get("WEB_MAX_REQUESTS", "0"))  # >0 recycles leaky workers
max_requests_jitter = max_requests // 10
accesslog = None
logconfig_dict = build(os.environ.get("LOG_LEVEL", "INFO"), os.environ.get("LOG_FORMAT", "json"))
# gunicorn merges its defaults into this dict; keep its loggers on our handler.
logconfig_dict["loggers"].update(
    {
        "gunicorn.error": {
            "level": os.environ.get("LOG_LEVEL", "INFO"),
            "handlers": ["console"],
            "propagate": False,
        },
        "gunicorn.access": {"level": "WARNING", "handlers": ["console"], "propagate": False},
    }
)
