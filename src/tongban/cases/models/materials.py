"""Materials attached to a case: uploads (stored outside the web root) or e-licences taken
from the applicant's wallet with recorded consent."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseMaterial(models.Model):
    class Source(models.TextChoices):
        UPLOAD = "upload", _("上传")
        LICENCE = "licence", _("电子证照")

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="materials")
    material = models.ForeignKey(
        "catalog.Material", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("材料名称"), max_length=200)
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.UPLOAD)
    file = models.FileField(upload_to="cases/%Y/%m/", blank=True)  # private storage
    original_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=64, blank=True)
    size = models.PositiveIntegerField(default=0)
    sm3 = models.CharField(max_length=64, blank=True)
    licence_ref = models.CharField(_("证照标识"), max_length=128, blank=True)
    consent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    replaced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["case", "id"]

    def __str__(self) -> str:
        return self.name
