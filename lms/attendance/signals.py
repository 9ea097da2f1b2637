"""Signals other domains subscribe to, so attendance never imports them."""

from blinker import Namespace

_signals = Namespace()

#: Sent once per enrollment when the completion rule first marks it complete.
#: ``sender`` is the Enrollment class; keyword arguments: ``enrollment_id`` (int)
#: and ``completed_on`` (date). Receivers run inside the caller's transaction, so
#: whatever they add is committed (or rolled back) with the attendance change.
enrollment_completed = _signals.signal("enrollment-completed")

#: Sent by the completion rule after it recomputed enrollments, whatever the source of the
#: change (roster, QR, planilla, API, a session's hours). ``sender`` is the Enrollment
#: class; keyword argument ``enrollment_ids`` (a list of ints). Receivers run inside the
#: caller's transaction (the LMS plug-in queues grade posts, sent after the commit).
enrollments_recomputed = _signals.signal("enrollments-recomputed")

#: Sent by the completion rule with ``enrollment_ids`` (list of ints) whose completion date
#: changed in any way (set, moved or undone); ``sender`` is the Enrollment class. Receivers
#: run inside the caller's transaction.
completions_changed = _signals.signal("completions-changed")

#: Asked before the completion rule undoes a completion: which of ``enrollment_ids``
#: (keyword argument, a list of ints) hold a valid document? ``sender`` is the Enrollment
#: class; each receiver returns the set of those ids it knows to hold one. The documents
#: live above attendance (certificates), so attendance asks instead of reading their table.
documents_held = _signals.signal("documents-held")

#: Sent with sender=Attendance after marks were created or changed (any source);
#: keyword arguments ``session_ids`` and ``enrollment_ids`` (sets of int).
attendance_changed = _signals.signal("attendance-changed")
