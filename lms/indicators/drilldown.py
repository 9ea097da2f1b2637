"""The people behind a figure, and how much of them each role reads: the one owner of that
rule for the dashboard and the API.

Admins read who (name, document) and where and when (exact date, site, course, area).
Everyone else (analysts) reads a pseudonym with the person's age group, zone and year
only, and no list at all of fewer than ``MIN_SENSITIVE`` people on a sensitive breakdown
(victims of the armed conflict, disability, ethnic group, migrants): a handful of rows
there, crossed with what else an analyst knows, would single out a victim.
"""

from flask_babel import gettext as _

from lms import policy
from lms.errors import ValidationError
from lms.indicators import counting
from lms.people.models import ZONES

#: Breakdowns by data that Ley 1581 calls sensitive.
SENSITIVE = frozenset({"ethnic", "disability", "victim", "migrant"})
#: Fewest people a sensitive breakdown lists to someone who does not read identities.
MIN_SENSITIVE = 5


def people(user, ind, filters, *, by=None, key=None, month=None, until=None, limit=None,
           offset=0) -> tuple[int, list[dict]]:
    """(total, rows) behind one figure, as much of each row as ``user`` may read."""
    total, rows = counting.people(ind, filters, by=by, key=key, month=month, until=until,
                                  limit=limit, offset=offset)
    if policy.reads_identities(user):
        return total, [{**row, "pseudonym": counting.pseudonym(row["person_id"])} for row in rows]
    if by in SENSITIVE and total < MIN_SENSITIVE:
        raise ValidationError(
            _(
                "Esta cifra reúne menos de %(min_sensitive)s personas con un dato sensible; su "
                "detalle no se muestra (Ley 1581).",
                min_sensitive=MIN_SENSITIVE,
            ),
            field="by",
            status=403,
        )
    return total, [
        {
            "pseudonym": counting.pseudonym(row["person_id"]),
            "year": row["event_date"].year,
            "age_group": row["age_group"],
            "zone": ZONES.get(row["zone"], counting.NO_INFO),
        }
        for row in rows
    ]
