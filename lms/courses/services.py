"""The courses domain's rules, in one import: sites, catalog, cohorts and sessions.

The rules live in lms.courses.sites, .catalog, .cohorts and .sessions (smaller files); other domains
(the planilla import, the demo) call them through this module.
"""

from lms.courses.catalog import (
    clean_course,
    clean_indicator,
    delete_course,
    delete_indicator,
    product_codes,
    save_course,
    save_indicator,
    seed_catalog,
)
from lms.courses.cohorts import (
    WEEKDAYS,
    clean_cohort,
    cohort_list,
    delete_cohort,
    enrollment_counts,
    save_cohort,
    trainers,
)
from lms.courses.sessions import (
    Series,
    add_series,
    add_session,
    add_sessions,
    delete_session,
    update_session,
)
from lms.courses.sites import (
    clean_site,
    create_site,
    delete_site,
    import_sites,
    imported_text,
    save_site,
    update_site,
)

__all__ = [
    "WEEKDAYS",
    "Series",
    "add_series",
    "add_session",
    "add_sessions",
    "clean_cohort",
    "clean_course",
    "clean_indicator",
    "clean_site",
    "cohort_list",
    "create_site",
    "delete_cohort",
    "delete_course",
    "delete_indicator",
    "delete_session",
    "delete_site",
    "enrollment_counts",
    "import_sites",
    "imported_text",
    "product_codes",
    "save_cohort",
    "save_course",
    "save_indicator",
    "save_site",
    "seed_catalog",
    "trainers",
    "update_session",
    "update_site",
]
