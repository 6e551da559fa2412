from django.db import models
from django.utils.translation import gettext_lazy as _

NATIONAL = "MIIT"


class Authority(models.Model):
    """A licensing and supervising authority (REGULATION.md §1.1): MIIT, or one province's
    communications administration (通信管理局). The primary key is the code that licence
    issuers already use: ``"MIIT"`` or the GB/T 2260 two-digit province code.

    Reference data, loaded by a data migration from ``regulator.provinces``; staff users
    belong to exactly one, and every scope check starts from it (``regulator.scoping``)."""

    code = models.CharField(_("code"), max_length=4, primary_key=True)
    name_zh = models.CharField(max_length=100)
    name_en = models.CharField(max_length=100)
    # Blank for the national authority; otherwise the province it governs.
    province = models.CharField(max_length=2, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "authorities"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code=NATIONAL, province="") | models.Q(province=models.F("code")),
                name="authority_code_matches_province",
            ),
        ]

    def __str__(self) -> str:
        return self.name_zh

    @property
    def is_national(self) -> bool:
        return self.code == NATIONAL
