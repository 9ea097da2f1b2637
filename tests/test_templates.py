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


#: Formatting done by hand in a template: dates, times and numbers go through the filters of
#: lms/formatting.py (|date, |datetime, |time, |long_date, |number, |percent, |hours), which
#: write es-CO and move stored UTC times to Bogotá.
RAW_FORMATTING = re.compile(
    r"\.strftime\(|\.isoformat\(|[\"']%[.0-9]*[dfgs][\"']\s*(%|\|\s*format)|\|\s*round\b"
    r"|\|\s*float\b|\s+UTC\b"
)
#: SVG geometry is not read by people: its coordinates may be rounded by hand.
GEOMETRY = re.compile(r"\b(x|y|x1|y1|x2|y2|width|height|points)=\"[^\"]*\"")


def test_templates_format_through_the_formatting_filters():
    """No template formats a date, a time or a number by hand (a regression would bring back
    "2021-07-31 14:05 UTC" or "41.9")."""
    found = []
    for path in sorted(TEMPLATES.rglob("*")):
        if not path.is_file() or path.suffix not in {".html", ".txt", ".js"}:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if RAW_FORMATTING.search(GEOMETRY.sub("", line)):
                found.append(f"{path.relative_to(TEMPLATES)}:{number}: {line.strip()[:100]}")
    assert not found, "hand-made formatting (use lms/formatting.py's filters):\n" + "\n".join(found)
