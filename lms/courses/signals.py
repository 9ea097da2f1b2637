"""Signals other domains subscribe to, so courses code never imports them.

Attendance derives hours credited and completion from sessions and the course's rule;
it listens here to recompute when those inputs change, instead of courses reaching
into attendance. Receivers run inside the caller's transaction, after its flush.
"""

from blinker import Namespace

_signals = Namespace()

#: Sent with sender=CourseSession after a session's date or hours changed;
#: keyword argument ``session_ids`` (list of int).
session_changed = _signals.signal("session-changed")

#: Sent with sender=Course after a course's hours or minimum attendance changed;
#: keyword argument ``course_id`` (int).
course_rule_changed = _signals.signal("course-rule-changed")

#: Sent with sender=Cohort after a cohort was moved to another course (whose rule now
#: applies to its enrollments); keyword argument ``cohort_id`` (int).
cohort_course_changed = _signals.signal("cohort-course-changed")
