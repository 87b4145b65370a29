"""Materials attached to a case: uploads (stored outside the web root) or e-licences taken
from the applicant's wallet with recorded consent.

Replacing a material keeps the old row with ``replaced_at`` set; the current one per
catalogue material is the row without it (``CaseMaterial.objects.current()``).
"""

from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tongban.cases.storage import private_storage

# Detected content type → the file extension used for downloads.
EXTENSIONS = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "application/ofd": ".ofd",
}


class CaseMaterialQuerySet(models.QuerySet):
    def current(self):
        return self.filter(replaced_at__isnull=True)


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
    file = models.FileField(
        upload_to="cases/%Y/%m/", blank=True, storage=private_storage, max_length=200
    )
    original_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=64, blank=True)
    size = models.PositiveIntegerField(default=0)
    sm3 = models.CharField(max_length=64, blank=True)
    licence_ref = models.CharField(_("证照标识"), max_length=128, blank=True)
    consent_at = models.DateTimeField(null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    replaced_at = models.DateTimeField(null=True, blank=True)

    objects = CaseMaterialQuerySet.as_manager()

    class Meta:
        ordering = ["case", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_current(self) -> bool:
        return self.replaced_at is None

    def download_name(self) -> str:
        """The original name, with the extension of the detected type when it differs."""
        name = PurePath(self.original_name or self.name or "material").name
        wanted = EXTENSIONS.get(self.content_type, "")
        suffix = PurePath(name).suffix.lower()
        if wanted and suffix != wanted and not (wanted == ".jpg" and suffix == ".jpeg"):
            name = f"{name}{wanted}"
        return name
