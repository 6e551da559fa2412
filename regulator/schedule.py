import json
import os

from celery.schedules import crontab

from regulator.conf import DEFAULTS

# Read straight from the environment: this module is loaded while settings load.
_SEAL_EVERY = float(
    json.loads(os.environ.get("TELEREG_AUDIT_SEAL_INTERVAL_SECONDS", "null"))
    or DEFAULTS["AUDIT_SEAL_INTERVAL_SECONDS"]
)

BEAT = {
    "audit-seal": {"task": "regulator.tasks.audit_seal", "schedule": _SEAL_EVERY},
    "audit-chain-verify": {
        "task": "regulator.tasks.audit_chain_verify",
        "schedule": crontab(hour=2, minute=10),
    },
    "idempotency-prune": {"task": "regulator.tasks.idempotency_prune", "schedule": crontab(hour=3, minute=0)},
}
