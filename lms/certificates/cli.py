"""Commands of the certificates domain."""

from flask.cli import AppGroup


def register(group: AppGroup) -> None:
    """Add this domain's commands to the ``lms`` group."""
