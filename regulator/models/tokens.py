from django.conf import settings
from django.db import models


class ApiToken(models.Model):
    """An API token, stored as its SHA-256 digest only (a database read discloses no usable
    token). The token itself is shown once, when issued. Tokens expire (TELEREG_API_TOKEN_TTL_HOURS),
    are listed and revoked by their owner, and are all revoked when the password changes or
    the account is deactivated (regulator.tokens)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    # The first characters of the token, so that an owner can tell tokens apart in a list.
    prefix = models.CharField(max_length=8)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "revoked_at"])]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user_id})"
