"""The example motion as readers and word processors want it.

Which example motions the public sees, their text with a municipality filled
in (or readable placeholders), split into paragraphs and bulleted lists, and
the downloads: plain text and a Word document.
"""

import io
from dataclasses import dataclass

import docx
from django.utils import timezone
from django.utils.translation import gettext as _
from docx.oxml.ns import qn

from kinderpardon.text import name_slug
from motions.models import ModelMotion
from municipalities.models import Municipality

# How a placeholder reads when no municipality is chosen.
PLACEHOLDER_LABELS = {"{gemeente}": "[gemeente]", "{provincie}": "[provincie]"}
BULLETS = ("- ", "* ", "• ")
LANGUAGE = "nl-NL"
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def shown_model_motions() -> list[ModelMotion]:
    """The example motions the public sees: one version per slug, in one query.

    The latest published version of each slug. While none is published at all,
    the latest version of each slug that is not archived instead, which the page
    marks as concept: the campaign sent its text out with its letter, so it is
    public, but coordinators have yet to settle it. Once anything is published,
    unpublished drafts stay private.
    """
    versions = list(ModelMotion.objects.exclude(status=ModelMotion.Status.ARCHIVED))
    published = [m for m in versions if m.status == ModelMotion.Status.PUBLISHED]
    latest: dict[str, ModelMotion] = {}
    for version in published or versions:  # newest version of each slug first
        latest.setdefault(version.slug, version)
    return list(latest.values())


@dataclass(frozen=True)
class Block:
    """A paragraph (``items`` holds one line) or a bulleted list."""

    items: tuple[str, ...]
    is_list: bool = False


def split_blocks(text: str) -> list[Block]:
    """Paragraphs and lists: each plain line is a paragraph, and consecutive
    lines starting with a bullet ("- ") form one list."""
    blocks: list[Block] = []
    bullets: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith(BULLETS):
            bullets.append(line[2:].strip())
            continue
        if bullets:
            blocks.append(Block(tuple(bullets), is_list=True))
            bullets = []
        if line:
            blocks.append(Block((line,)))
    if bullets:
        blocks.append(Block(tuple(bullets), is_list=True))
    return blocks


@dataclass(frozen=True)
class Download:
    content: bytes
    content_type: str
    filename: str


@dataclass(frozen=True)
class FilledModelMotion:
    """An example motion for one municipality, or for none (placeholders shown)."""

    model_motion: ModelMotion
    municipality: Municipality | None = None

    @property
    def text(self) -> str:
        if self.municipality is not None:
            return self.model_motion.render(self.municipality)
        text = self.model_motion.text
        for placeholder, label in PLACEHOLDER_LABELS.items():
            text = text.replace(placeholder, label)
        return text

    @property
    def is_concept(self) -> bool:
        return self.model_motion.status != ModelMotion.Status.PUBLISHED

    @property
    def blocks(self) -> list[Block]:
        return split_blocks(self.text)

    def filename(self, extension: str) -> str:
        """ASCII and slug-based: "voorbeeldmotie-gewortelde-kinderen-s-hertogenbosch.docx"."""
        parts = ["voorbeeldmotie", self.model_motion.slug]
        if self.municipality is not None:
            parts.append(self.municipality.slug)
        return f"{name_slug('-'.join(parts))}.{extension}"

    def as_text(self) -> Download:
        body = f"{self.model_motion.title}\n\n{self.text.strip()}\n"
        return Download(body.encode(), "text/plain; charset=utf-8", self.filename("txt"))

    def as_docx(self) -> Download:
        document = docx.Document()
        properties = document.core_properties
        properties.title = self.model_motion.title
        properties.subject = _("Voorbeeldmotie")
        properties.author = "KinderpardonNU"
        properties.comments = ""
        properties.language = LANGUAGE
        properties.created = properties.modified = timezone.now()
        # Spelling is checked in Dutch, not in the template's English.
        for lang in document.styles.element.iter(qn("w:lang")):
            lang.set(qn("w:val"), LANGUAGE)
        document.add_heading(self.model_motion.title, level=1)
        for block in self.blocks:
            style = "List Bullet" if block.is_list else None
            for item in block.items:
                document.add_paragraph(item, style=style)
        buffer = io.BytesIO()
        document.save(buffer)
        return Download(buffer.getvalue(), DOCX_CONTENT_TYPE, self.filename("docx"))

    def download(self, file_format: str) -> Download:
        return self.as_docx() if file_format == "docx" else self.as_text()
