"""The workspace's own models, by concern (Django finds them here)."""

from .jobs.models import Job

__all__ = ["Job"]
