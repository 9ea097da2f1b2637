"""Signals other domains subscribe to, so people code never imports them.

Certificates keep frozen copies of names and documents; they listen here to
scrub or repoint those copies instead of people code reaching into their tables.
"""

from blinker import Namespace

_signals = Namespace()

#: Sent with sender=Person after its identity was removed (same transaction, flushed).
person_anonymized = _signals.signal("person-anonymized")

#: Sent with sender=the surviving Person and ``merged_id`` (the deleted duplicate's id).
people_merged = _signals.signal("people-merged")
