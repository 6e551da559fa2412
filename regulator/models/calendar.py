from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarOverride(models.Model):
    """A staff correction to the working-day calendar, e.g. when the State Council publishes
    next year's holiday arrangement before the ``holidays`` package knows it."""

    date = models.DateField(unique=True)
    is_working_day = models.BooleanField()
    note = models.CharField(max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar override")

    def __str__(self) -> str:
        return f"{self.date}: {'working' if self.is_working_day else 'rest'}"
