from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """Append-only, hash-chained record of every state change and decision.

    Writers insert events unsealed (``seq``, ``prev_hash`` and ``hash`` empty) so that no
    global lock is held inside their transactions; ``regulator.audit.seal`` then chains
    committed events in batches: ``seq`` is the position in the chain, ``content_hash``
    covers the content and ``hash`` = sha256(seq|prev_hash|content_hash). On PostgreSQL a
    trigger refuses DELETE, a pre-sealed INSERT and every UPDATE except that one-time
    sealing, whose hash it recomputes (migration 0005).
    """

    occurred_at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=150)
    action = models.CharField(max_length=80)
    object_type = models.CharField(max_length=80)
    object_id = models.CharField(max_length=80)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    reason = models.TextField(blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    # Whom the event concerns, for scoping the audit list by the reader's jurisdiction.
    enterprise = models.ForeignKey(
        "regulator.Enterprise", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    province = models.CharField(max_length=2, blank=True)
    # Digest of the content fields, set when recorded; the chain hash covers it.
    content_hash = models.CharField(max_length=64, default="")
    seq = models.BigIntegerField(null=True, blank=True, unique=True)
    prev_hash = models.CharField(max_length=64, null=True, blank=True)
    hash = models.CharField(max_length=64, null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["id"], condition=models.Q(seq__isnull=True), name="audit_unsealed"),
            models.Index(fields=["province", "id"], name="audit_province_id"),
            # Declared here rather than with db_index/unique on the fields: on PostgreSQL
            # those add a second, varchar_pattern_ops index per field for LIKE queries that
            # nothing runs, and every audited write (a ledger post among them) pays for
            # each index it inserts into (issue 17).
            models.Index(fields=["action"], name="audit_action"),
        ]
        constraints = [models.UniqueConstraint(fields=["hash"], name="audit_hash_unique")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.object_type}:{self.object_id}"
