"""A meeting's photos and documents: type and size limited by core.uploads, every change audited."""

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from dangjian.core import audit, uploads

from ..models import (
    Meeting,
    MeetingFile,
)
from ._common import (
    _require_writer,
)

# --- files ---------------------------------------------------------------------------------------------------

CONTENT_TYPES = {
    "jpeg": "image/jpeg",
    "png": "image/png",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@transaction.atomic
def meeting_file_add(*, actor, meeting: Meeting, upload: UploadedFile | None) -> MeetingFile:
    """Attach a photo (JPG, PNG) or a document (PDF, Word, Excel) to a meeting; type and size are limited."""
    _require_writer(actor, meeting.org)
    original = uploads.check_upload(upload, field="file")
    kind = uploads.FILE_TYPES[("." + upload.name.rsplit(".", 1)[-1]).lower()]
    record = MeetingFile.objects.create(
        meeting=meeting,
        file=upload,
        name=original[:200],
        content_type=CONTENT_TYPES[kind],
        size=upload.size,
        uploaded_by=actor,
    )
    audit.record(
        actor=actor,
        action="create",
        obj=meeting,
        org=meeting.org,
        summary=_("上传附件“%(name)s”") % {"name": record.name},
        after={"file_id": record.pk, "name": record.name, "size": record.size},
    )
    return record


@transaction.atomic
def meeting_file_remove(*, actor, meeting_file: MeetingFile) -> None:
    """Remove an attachment; the stored file is deleted once the transaction has committed."""
    meeting = meeting_file.meeting
    _require_writer(actor, meeting.org)
    stored, storage = meeting_file.file.name, meeting_file.file.storage
    before = {"file_id": meeting_file.pk, "name": meeting_file.name, "size": meeting_file.size}
    meeting_file.delete()
    transaction.on_commit(lambda: storage.delete(stored))
    audit.record(
        actor=actor,
        action="delete",
        obj=meeting,
        org=meeting.org,
        summary=_("删除附件“%(name)s”") % {"name": before["name"]},
        before=before,
    )
