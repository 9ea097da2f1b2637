"""Questions courses asks the domains above it, which they answer from their own modules.

Courses imports neither attendance nor certificates: those domains register here (in
their ``rights.py``, loaded at start by ``lms.HOOKS``) what they hold about courses'
records:

- ``guards_enrollment`` / ``guards_session``: ``fn(record) -> str | None``, why the
  enrollment or session may not be deleted (None: nothing of theirs depends on it);
- ``joins_enrollments``: ``fn(winner_id, loser_id)``, move what they hold about the losing
  enrollment onto the winner when a merge joins two enrollments of one cohort (the loser
  is deleted right after);
- ``warns_enrollment``: ``fn(person, cohort) -> str | None``, a warning for whoever enrolls
  the person (a valid certificate of the course already held), shown, never refusing.
"""

from collections.abc import Callable

ENROLLMENT_GUARDS: list[Callable] = []
SESSION_GUARDS: list[Callable] = []
JOINERS: list[Callable[[int, int], None]] = []
ENROLLMENT_WARNINGS: list[Callable] = []


def _adder(registry: list):
    def add(fn):
        if fn not in registry:
            registry.append(fn)
        return fn

    return add


guards_enrollment = _adder(ENROLLMENT_GUARDS)
guards_session = _adder(SESSION_GUARDS)
joins_enrollments = _adder(JOINERS)
warns_enrollment = _adder(ENROLLMENT_WARNINGS)


def warnings(sources: list[Callable], *args) -> list[str]:
    """Every warning the registered functions give about ``args``."""
    return [message for source in sources if (message := source(*args))]


def refusal(guards: list[Callable], record) -> str | None:
    """The first reason a guard gives against deleting ``record``, or None."""
    for guard in guards:
        reason = guard(record)
        if reason:
            return reason
    return None
