from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    OFFICER = "officer", _("Licensing officer")
    INSPECTOR = "inspector", _("Inspector")
    SUPERVISOR = "supervisor", _("Supervisor")
    HANDLER = "handler", _("Complaint handler")
    AUDITOR = "auditor", _("Auditor")


class User(AbstractUser):
    role = models.CharField(max_length=16, choices=Role.choices)
    # Only for role=enterprise: the one enterprise whose data this user may see.
    enterprise = models.ForeignKey(
        "regulator.Enterprise", null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    # Staff belong to one authority (MIIT or a province's administration) and act only
    # within it (DESIGN.md, Users and roles); enterprise users belong to none.
    authority = models.ForeignKey(
        "regulator.Authority", null=True, blank=True, on_delete=models.PROTECT, related_name="staff"
    )
    # Inspector roster badge (used by the draws); blank for other roles.
    badge = models.CharField(max_length=32, blank=True)
    # Wrong passwords since the last success, and the end of a lockout (regulator.backends).
    failed_logins = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(role="enterprise", enterprise__isnull=False) | ~models.Q(role="enterprise")
                ),
                name="enterprise_user_has_enterprise",
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=[r.value for r in Role]) | models.Q(is_superuser=True),
                name="user_role_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(role="enterprise", authority__isnull=True)
                | (~models.Q(role="enterprise") & models.Q(authority__isnull=False))
                | models.Q(is_superuser=True),
                name="staff_user_has_authority",
            ),
        ]

    @property
    def is_enterprise(self) -> bool:
        return self.role == Role.ENTERPRISE

    @property
    def province(self) -> str:
        """The province a provincial staff member's authority governs; "" for national staff
        and enterprise users. Derived from the authority code: no query."""
        code = self.authority_id or ""
        return "" if code in ("", "MIIT") else code
