from django.db import models
from django.utils.translation import gettext_lazy as _

from regulator import provinces


class Enterprise(models.Model):
    """An entry in the enterprise register, keyed by its unified social credit code."""

    uscc = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    name = models.CharField(_("name"), max_length=200)
    legal_representative = models.CharField(_("legal representative"), max_length=100)
    registered_address = models.CharField(_("registered address"), max_length=300)
    province = models.CharField(_("province"), max_length=2, choices=provinces.CHOICES, db_index=True)
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["uscc"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(uscc__regex=r"^[0-9A-HJ-NP-RTUWXY]{18}$"), name="uscc_shape"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.uscc})"
