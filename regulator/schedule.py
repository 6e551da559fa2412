from celery.schedules import crontab

BEAT = {
    "audit-chain-verify": {
        "task": "regulator.tasks.audit_chain_verify",
        "schedule": crontab(hour=2, minute=10),
    },
    "idempotency-prune": {"task": "regulator.tasks.idempotency_prune", "schedule": crontab(hour=3, minute=0)},
}
