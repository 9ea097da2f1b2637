"""Questions courses asks the domains above it, which they answer from their own modules.

Courses imports neither attendance nor certificates: those domains register here (in
their ``rights.py``, loaded at start by ``lms.HOOKS``) what they hold about courses'
records:

- ``guards_enrollment`` / ``guards_session``: ``fn(record) -> str | None``, why the
  enrollment or session may not be deleted (None: nothing of theirs depends on it);
- ``joins_enrollments``: ``fn(winner_id, loser_id) -> dict``, move what they hold about the
  losing enrollment onto the winner when a merge joins two enrollments of one cohort (the
  loser is deleted right after), returning what undoing it needs (JSON-ready);
- ``splits_enrollments(join_fn)``: ``fn(winner_id, loser_id, undo)``, undo ``join_fn`` with
  what it returned, once the loser is back (a merge undone);
- ``warns_enrollment``: ``fn(person, cohort) -> str | None``, a warning for whoever enrolls
  the person (a valid certificate of the course already held), shown, never refusing.
"""

from collections.abc import Callable

ENROLLMENT_GUARDS: list[Callable] = []
SESSION_GUARDS: list[Callable] = []
JOINERS: list[Callable[[int, int], dict]] = []
#: join fn -> fn(winner_id, loser_id, undo) that undoes it.
SPLITTERS: dict[Callable, Callable[[int, int, dict], None]] = {}
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


def splits_enrollments(join_fn):
    """Register ``fn(winner_id, loser_id, undo)`` as the undoing of ``join_fn``."""

    def decorator(fn):
        SPLITTERS[join_fn] = fn
        return fn

    return decorator


def joiner_key(join_fn) -> str:
    """The name a join's undo data is kept under in the merge's audit entry."""
    return f"{join_fn.__module__}.{join_fn.__name__}"


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
