"""API resource: attendance (see lms/api/__init__.py)."""

from lms.api import bp  # noqa: F401
