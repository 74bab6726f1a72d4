"""Uploaded files: photos are checked by decoding them (never by name), resized and stripped of
metadata (EXIF, GPS) before they are stored; sheets are checked for type and size."""

import io
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

PHOTO_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
PHOTO_MAX_SIDE = 2048
PHOTO_MAX_PIXELS = 40_000_000
SHEET_SUFFIXES = {".xlsx", ".csv"}


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB"


def clean_photo(upload: UploadedFile, *, max_bytes: int | None = None) -> ContentFile:
    """A safe copy of an uploaded photo: JPEG, PNG or WebP only, at most ``PHOTO_MAX_SIDE`` pixels a
    side, orientation applied and every metadata block (EXIF with GPS, XMP, comments) dropped.
    Raises ValidationError naming the problem."""
    limit = max_bytes or settings.MAX_PHOTO_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(_("照片不能超过 %(size)s。") % {"size": _mb(limit)}, code="too_large")
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            fmt = probe.format or ""
            if fmt not in PHOTO_FORMATS:
                raise ValidationError(_("照片只能是 JPEG、PNG 或 WebP 格式。"), code="bad_type")
            if probe.width * probe.height > PHOTO_MAX_PIXELS:
                raise ValidationError(_("照片像素过大。"), code="too_many_pixels")
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as img:
            img.load()
            upright = ImageOps.exif_transpose(img)
            upright.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
            out = io.BytesIO()
            # Saving without exif=/icc_profile=/xmp= drops every metadata block.
            if fmt == "JPEG":
                upright.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
            elif fmt == "PNG":
                upright.save(out, "PNG", optimize=True)
            else:
                upright.save(out, "WEBP", quality=85)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError) as exc:
        raise ValidationError(_("无法识别的图片文件。"), code="bad_image") from exc
    stem = PurePath(upload.name or "photo").stem[:40] or "photo"
    return ContentFile(out.getvalue(), name=f"{stem}.{PHOTO_FORMATS[fmt]}")


def check_sheet(upload: File) -> str:
    """Check an import sheet's type and size; returns its suffix (``.xlsx`` or ``.csv``)."""
    suffix = PurePath(upload.name or "").suffix.lower()
    if suffix not in SHEET_SUFFIXES:
        raise ValidationError(_("只能导入 .xlsx 或 .csv 文件。"), code="bad_type")
    if upload.size is not None and upload.size > settings.MAX_SHEET_BYTES:
        raise ValidationError(_("文件不能超过 %(size)s。") % {"size": _mb(settings.MAX_SHEET_BYTES)}, code="too_large")
    return suffix
