"""Uploaded documents: what a file really is, and where private ones live.

Both the decision form (volunteers) and the public report form accept PDF and
Word documents; both check the content, not just the name, so a program
renamed to ``.pdf`` is refused.
"""

import logging
import os
import zipfile
from pathlib import Path, PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import FileSystemStorage
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.utils.cache import patch_cache_control
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

PDF_MAGIC = b"%PDF-"
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy Word (.doc)
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
# Extensions accepted, by the name people know them by. ODF is on the Dutch
# government's list of mandatory open standards, so councils may send .odt.
DOCUMENT_KINDS = {"pdf": "PDF", "doc": "Word", "docx": "Word", "odt": "OpenDocument"}


def document_kind(upload: File) -> str | None:
    """The extension the content belongs to ("pdf", "doc", "docx", "odt"), or None.
    Reads the first bytes and, for a ZIP, only its table of contents."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(PDF_MAGIC):
        return "pdf"
    if head == OLE_MAGIC:
        return "doc"
    if not head.startswith(ZIP_MAGIC):
        return None
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if "word/document.xml" in names:
                return "docx"
            if (
                "mimetype" in names
                and archive.getinfo("mimetype").file_size <= 100
                and archive.read("mimetype").strip() == ODT_MIMETYPE
            ):
                return "odt"
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError):
        return None
    finally:
        upload.seek(0)
    return None


# A stored document's name: upload_to ("reports/2026/") + this + a suffix the
# storage may add to make it unique must fit FileField's 100 characters.
DOCUMENT_STEM_CHARS = 60


def shorten_middle(text: str, limit: int) -> str:
    """``text`` cut in the middle to at most ``limit`` characters, so that its
    start and its end (a file's extension, a date) both stay readable."""
    if len(text) <= limit:
        return text
    tail = min(limit // 3, 30)
    return text[: limit - tail - 1] + "…" + text[len(text) - tail :]


def shorten_document_name(upload: File) -> None:
    """Council file names are often long; shorten them instead of refusing the file."""
    if upload.name is None:  # nothing to shorten
        return
    stem, _dot, extension = upload.name.rpartition(".")
    upload.name = f"{stem[:DOCUMENT_STEM_CHARS]}.{extension.lower()}"


def validate_document(upload: File) -> None:
    """PDF or Word (or OpenDocument), at most MAX_UPLOAD_MB, and named for what it is."""
    limit = settings.MAX_UPLOAD_MB
    if upload.size > limit * 1024 * 1024:
        raise ValidationError(
            _("Het document is groter dan %(limit)s MB. Stuur een kleiner bestand of een link."),
            code="too_big",
            params={"limit": limit},
        )
    extension = Path(upload.name or "").suffix.lower().lstrip(".")
    if extension not in DOCUMENT_KINDS:
        raise ValidationError(
            _("Kies een PDF- of Word-bestand (.pdf, .doc, .docx of .odt)."), code="extension"
        )
    if document_kind(upload) != extension:
        raise ValidationError(
            _(
                "Dit bestand is geen echt %(kind)s-bestand: de inhoud past niet bij .%(ext)s "
                "(we kijken naar de inhoud, niet alleen naar de naam)."
            ),
            code="content",
            params={"kind": DOCUMENT_KINDS[extension], "ext": extension},
        )


class PrivateFileStorage(FileSystemStorage):
    """Files kept under PRIVATE_MEDIA_ROOT, outside MEDIA_ROOT, so nothing serves
    them by URL; they may only be handed out by a view that checks permissions.
    Follows the setting when tests change it."""

    _location: str | os.PathLike[str] | None  # set by FileSystemStorage.__init__

    @cached_property
    def base_location(self) -> str | os.PathLike[str]:
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    # Readable by the app's own user only, not by every account on the machine.
    @cached_property
    def file_permissions_mode(self) -> int:
        return 0o600

    @cached_property
    def directory_permissions_mode(self) -> int:
        return 0o700

    def _clear_cached_properties(self, setting: str, **kwargs: Any) -> None:
        # Every changed setting arrives here; the stubs name only the four Django's storage reads.
        super()._clear_cached_properties(setting, **kwargs)  # type: ignore[arg-type]
        if setting == "PRIVATE_MEDIA_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)


def download(field_file: FieldFile, prefix: str, *, private: bool) -> FileResponse:
    """A stored document as an attachment named ``<prefix>-<its name>.<ext>``
    (no path, no odd characters), from whatever storage holds it: the app
    serves documents itself, so they work with DEBUG off and on object storage."""
    if not field_file.name:  # no document (the views check this first)
        raise Http404
    path = PurePath(field_file.name)
    extension = path.suffix.lower().lstrip(".")
    stem = slugify(path.stem.replace("_", " "))[:60] or "document"
    filename = f"{prefix}-{stem}" + (f".{extension}" if extension in DOCUMENT_KINDS else "")
    try:
        file = field_file.storage.open(field_file.name, "rb")
    except FileNotFoundError:
        logger.warning("Document %s is missing from its storage", field_file.name)
        raise Http404 from None
    response = FileResponse(file, as_attachment=True, filename=filename)
    if private:
        patch_cache_control(response, private=True, no_store=True)
    return response
