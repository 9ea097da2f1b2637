"""Signals other domains subscribe to, so people code never imports them.

Attendance recomputes merged enrollments here; certificates keep frozen copies of
names and documents and listen here to scrub or repoint them, instead of people code
reaching into their tables.
"""

from blinker import Namespace

_signals = Namespace()

#: Sent with sender=Person after its identity was removed (same transaction, flushed).
person_anonymized = _signals.signal("person-anonymized")

#: Sent with sender=the surviving Person, ``merged_id`` (the deleted duplicate's id) and
#: ``enrollment_ids`` (the survivor's enrollments that received the duplicate's marks).
people_merged = _signals.signal("people-merged")

#: Sent with sender=the surviving Person when a merge was undone: ``restored_id`` (the
#: duplicate, back) and ``enrollment_ids`` (the enrollments whose marks were split again).
people_unmerged = _signals.signal("people-unmerged")
