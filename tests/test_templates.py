"""Template rules every page keeps, checked on the source so a new table cannot forget them."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
SCROLLER = re.compile(r'<div class="table-responsive[^"]*"([^>]*)>')


def test_every_scrolling_table_is_a_named_focusable_region():
    """A table that may scroll sideways on a phone is reachable and named for keyboards and
    screen readers (axe's scrollable-region-focusable): tabindex, role and a label."""
    missing = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        for match in SCROLLER.finditer(path.read_text(encoding="utf-8")):
            attrs = match.group(1)
            named = "aria-label=" in attrs or "aria-labelledby=" in attrs
            if not ('tabindex="0"' in attrs and 'role="region"' in attrs and named):
                missing.append(f"{path.relative_to(TEMPLATES)}: {match.group(0)}")
    assert not missing, "table-responsive without tabindex/role/label:\n" + "\n".join(missing)
