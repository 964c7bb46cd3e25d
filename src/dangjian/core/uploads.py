"""Checking an uploaded attachment: allowed type (by extension *and* by content), size, not empty.

Every module that takes files (member records, meetings, development cases, demonstration sites) uses this,
so a wrong file gets the same clear Chinese message everywhere and nothing is stored.
"""

import uuid
import zipfile
from pathlib import PurePath

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from .errors import ValidationFailed

FILE_TYPES = {
    ".pdf": "pdf",
    ".jpg": "jpeg",
    ".jpeg": "jpeg",
    ".png": "png",
    ".docx": "docx",
    ".xlsx": "xlsx",
}
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png")
DEFAULT_FILE_MAX_MB = 10


def file_max_bytes() -> int:
    # Setting MEMBER_FILE_MAX_MB (default 10 MB) limits every attachment.
    return int(getattr(settings, "MEMBER_FILE_MAX_MB", DEFAULT_FILE_MAX_MB)) * 1024 * 1024


def sniff(upload: UploadedFile) -> str | None:
    """The file's real type from its first bytes (and, for Office files, the parts inside the zip)."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(upload) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        finally:
            upload.seek(0)
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
    return None


def check_upload(upload: UploadedFile | None, *, field: str = "file", suffixes=tuple(FILE_TYPES)) -> str:
    """Raise ValidationFailed (422, Chinese) unless the upload is a non-empty allowed file within the limit.

    Returns the original file name (without directories) and renames the upload to a random name: the
    original may carry personal details and is kept only as a title.
    """
    if upload is None:
        raise ValidationFailed.field(field, _("请选择要上传的文件"))
    original = PurePath(upload.name or "").name
    suffix = PurePath(original).suffix.lower()
    if suffix not in suffixes or suffix not in FILE_TYPES:
        if tuple(suffixes) == IMAGE_SUFFIXES:
            raise ValidationFailed.field(field, _("只能上传 JPG 或 PNG 图片"))
        raise ValidationFailed.field(field, _("只能上传 PDF、JPG、PNG、Word（.docx）或 Excel（.xlsx）文件"))
    limit = file_max_bytes()
    if upload.size == 0:
        raise ValidationFailed.field(field, _("文件是空的，请重新选择"))
    if upload.size > limit:
        raise ValidationFailed.field(
            field,
            _("文件不能超过 %(limit)s MB（此文件 %(size).1f MB）")
            % {"limit": limit // (1024 * 1024), "size": upload.size / (1024 * 1024)},
        )
    if sniff(upload) != FILE_TYPES[suffix]:
        raise ValidationFailed.field(
            field, _("文件内容与扩展名“%(suffix)s”不符，或文件已损坏") % {"suffix": suffix}
        )
    upload.name = f"{uuid.uuid4().hex}{suffix}"
    return original
