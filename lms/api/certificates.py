"""API resource: certificates (see lms/api/__init__.py)."""

from lms.api import bp  # noqa: F401
