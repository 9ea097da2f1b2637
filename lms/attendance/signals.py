"""Signals other domains subscribe to, so attendance never imports them."""

from blinker import Namespace

_signals = Namespace()

#: Sent once per enrollment when the completion rule first marks it complete.
#: ``sender`` is the Enrollment class; keyword arguments: ``enrollment_id`` (int)
#: and ``completed_on`` (date). Receivers run inside the caller's transaction, so
#: whatever they add is committed (or rolled back) with the attendance change.
enrollment_completed = _signals.signal("enrollment-completed")
