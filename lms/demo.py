"""``lms demo``: realistic synthetic data across 2020–2023 for demos and benchmarks."""

from flask.cli import AppGroup


def register(group: AppGroup) -> None:
    """Add the demo command to the ``lms`` group."""
