"""A bare one-view Django project: the yardstick the app's pages are measured against."""
