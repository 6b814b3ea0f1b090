"""Name handling shared by imports and search: accents and case never matter."""

import unicodedata

from django.utils.text import slugify


def fold(text: str) -> str:
    """Lower-case ASCII form of a name: "Súdwest-Fryslân" -> "sudwest-fryslan"."""
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(ascii_only.casefold().split())


def name_slug(name: str) -> str:
    """Readable slug: "'s-Hertogenbosch" -> "s-hertogenbosch", "Bergen (NH.)" -> "bergen-nh"."""
    return slugify(fold(name))
