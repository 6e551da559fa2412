"""Settings of the Celery processes the production tests start: config.settings, with a
short broker visibility timeout so a message held by a worker killed outright comes back
within seconds instead of an hour (production keeps CELERY_VISIBILITY_TIMEOUT > 360 s)."""

from config.settings import *  # noqa: F403

CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
