"""Numbers, dates, times and labels as people in Colombia read them, through Babel (es-CO).

The one place that turns values into text for people: pages, PDFs, letters, messages and the
spreadsheets meant for people. Stored times are naive UTC; they are shown in the office's
time zone (``BABEL_DEFAULT_TIMEZONE``, America/Bogota). Machine formats (ISO dates in the
API's JSON, RFC 4180 CSV) do not come through here.

Labels of codes (``SEXES``, ``STATUSES``…) are plain Spanish ``str`` marked with ``N_`` so
``make messages`` extracts them, while JSON and openpyxl still get ordinary strings; they are
translated where they are shown, with ``label``/``labels`` (or the ``|label`` filter).
"""

from datetime import UTC, date, datetime, time
from decimal import Decimal

from babel import dates as babel_dates
from babel import numbers as babel_numbers
from babel.support import NullTranslations
from flask import Flask, current_app, has_app_context, has_request_context, request
from flask_babel import Domain, get_locale, gettext, ngettext
from flask_babel.speaklater import LazyString
from jinja2 import pass_context
from jinja2.ext import Extension
from jinja2.lexer import (
    TOKEN_DOT,
    TOKEN_LBRACKET,
    TOKEN_LPAREN,
    TOKEN_NAME,
    TOKEN_PIPE,
    TOKEN_RPAREN,
    TOKEN_STRING,
    Token,
)
from markupsafe import Markup

from lms.timeutil import office_zone

EMPTY = "—"
#: Between a figure and its unit ("41,9 %", "2 h"), so the unit never wraps alone.
NBSP = "\u00a0"
#: Dates and times on pages are all digits in a fixed order, the same in every language:
#: written directly (the Babel patterns they equal: dd/MM/yyyy, dd/MM/yyyy HH:mm, HH:mm).
DATE = "{0.day:02d}/{0.month:02d}/{0.year:04d}"
TIME = "{0.hour:02d}:{0.minute:02d}"


#: app.extensions key: the languages of the compiled catalogs (none compiled: empty).
LANGUAGES = "lms.languages"
_SOURCE_TEXT = NullTranslations()


def _source_text_only() -> bool:
    # No catalog compiled: the es-CO source text is what every reader gets.
    return has_app_context() and not current_app.extensions.get(LANGUAGES)


class SourceTextDomain(Domain):
    """Flask-Babel's message domain, which answers the es-CO source text at once (no locale
    negotiation, no catalog lookup) while no catalog is compiled."""

    def get_translations(self):
        """The request's catalog; the source text itself when none is compiled."""
        if _source_text_only():
            return _SOURCE_TEXT
        return super().get_translations()


@pass_context
def source_gettext(context, string: str, /, **variables):
    """Templates' ``_``/``gettext`` while no catalog is compiled: the es-CO source text, as
    Jinja's newstyle gettext returns it (safe, its variables escaped), in one call."""
    # The template's own text is trusted, as Jinja's newstyle gettext trusts it.
    text = Markup(string) if context.eval_ctx.autoescape else string  # noqa: S704
    return text % variables


@pass_context
def source_ngettext(context, singular: str, plural: str, num: int, /, **variables):
    """Templates' ``ngettext`` while no catalog is compiled (see ``source_gettext``)."""
    variables.setdefault("num", num)
    text = singular if num == 1 else plural
    return (Markup(text) if context.eval_ctx.autoescape else text) % variables  # noqa: S704


class SourceText(Extension):
    """While no catalog is compiled, ``_('text')`` or ``gettext('text')`` with no variables
    becomes ``source_gettext``'s answer when the template is compiled: a constant, not a
    call on every render (a public page has a few dozen)."""

    def filter_stream(self, stream):
        """The template's tokens, each such call replaced by its text."""
        autoescape = self.environment.autoescape
        if callable(autoescape):
            autoescape = autoescape(stream.name)
        tokens = list(stream)
        i = 0
        while i < len(tokens):
            text = _call_text(tokens, i)
            if text is None:
                yield tokens[i]
                i += 1
                continue
            line = tokens[i].lineno
            yield Token(line, TOKEN_STRING, text)
            if autoescape:  # trusted, as source_gettext trusts it
                yield Token(line, TOKEN_PIPE, "|")
                yield Token(line, TOKEN_NAME, "safe")
            i += 4


def _call_text(tokens: list, i: int) -> str | None:
    # The text of a plain ``_('text')`` starting at tokens[i], or None for anything else:
    # an attribute (``x._``), variables, or a result used further (``_('a').upper()``).
    name, *call = tokens[i:i + 4]
    after = tokens[i + 4].type if i + 4 < len(tokens) else None
    if (name.type != TOKEN_NAME or name.value not in ("_", "gettext")
            or [t.type for t in call] != [TOKEN_LPAREN, TOKEN_STRING, TOKEN_RPAREN]
            or (i and tokens[i - 1].type == TOKEN_DOT)
            or after in (TOKEN_DOT, TOKEN_LBRACKET, TOKEN_LPAREN)):
        return None
    try:
        return call[1].value % {}
    except (KeyError, ValueError, TypeError):  # it names variables: leave the call
        return None


def preferred_language() -> str | None:
    """The browser's preferred language among the compiled catalogs; None means es-CO.

    Adding English is only ``pybabel init`` + ``pybabel compile`` and a restart (README).
    """
    languages = current_app.extensions.get(LANGUAGES) if has_request_context() else None
    return request.accept_languages.best_match(languages) if languages else None


def _office_locale() -> str:
    # Documents (certificates, letters) are written in the office's language, whoever asks.
    if has_app_context():
        return current_app.config.get("BABEL_DEFAULT_LOCALE", "es_CO")
    return "es_CO"


def _locale():
    # The reader's locale in a request, the office's in a command, a task or a bare call.
    return (get_locale() if has_app_context() else None) or _office_locale()


def N_(message: str) -> str:
    """Mark a label for extraction without translating it: it stays a plain ``str``."""
    return message


def label(text):
    """A label marked with ``N_`` in the reader's language (the Spanish source as is while
    there is no catalog for it); anything that is not text comes back unchanged."""
    if not text or not isinstance(text, str):
        return text
    if _source_text_only():
        return text
    return gettext(text)


def lazy_label(text) -> LazyString:
    """``label`` when the text is shown, for options built once at import (form choices)."""
    return LazyString(label, text)


def labels(mapping: dict) -> dict:
    """A {code: label} dict with its labels translated now, for a page or a select."""
    return {key: label(value) for key, value in mapping.items()}


def number(value, digits: int | None = None) -> str:
    """A number with the locale's separators: 1.234,5; ``digits`` fixes the decimals."""
    if value is None:
        return EMPTY
    pattern = None if digits is None else "#,##0" + ("." + "0" * digits if digits else "")
    return babel_numbers.format_decimal(value, format=pattern, locale=_locale())


def percent(value, digits: int = 1) -> str:
    """A percentage already scaled to 0–100, with one decimal unless told: 41,9 %."""
    if value is None:
        return EMPTY
    return f"{number(value, digits)}{NBSP}%"


def hours_number(value) -> str:
    """Hours without trailing zeros: 20, 1,5 (the figure alone, for "20 horas")."""
    if value is None:
        return EMPTY
    return babel_numbers.format_decimal(Decimal(str(value)), format="#,##0.##", locale=_locale())


def hours(value) -> str:
    """Hours as people write them on a page: 2 h, 1,5 h."""
    if value is None:
        return EMPTY
    return f"{hours_number(value)}{NBSP}h"


def hours_count(value) -> str:
    """Hours in a sentence, the noun agreeing with the figure: 1 hora, 2 horas, 1,5 horas."""
    if value is None:
        return EMPTY
    return ngettext("%(n)s hora", "%(n)s horas", 1 if value == 1 else 2,
                    n=hours_number(value))


def local(moment: datetime) -> datetime:
    """A stored (naive UTC) time as an aware time in the office's zone."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(office_zone())


def short_date(value: date | datetime | None) -> str:
    """The date for pages: 31/07/2021 (a stored time is first moved to the office's zone)."""
    if value is None:
        return EMPTY
    if isinstance(value, datetime):
        value = local(value).date()
    return DATE.format(value)


def long_date(value: date | datetime | None) -> str:
    """The date for documents: 31 de julio de 2021, always in the office's language."""
    if value is None:
        return EMPTY
    if isinstance(value, datetime):
        value = local(value).date()
    return babel_dates.format_date(value, "long", locale=_office_locale())


def date_time(value: datetime | None, seconds: bool = False) -> str:
    """A stored UTC time in the office's zone, 24-hour: 31/07/2021 14:05."""
    if value is None:
        return EMPTY
    moment = local(value)
    text = f"{DATE.format(moment)} {TIME.format(moment)}"
    return f"{text}:{moment.second:02d}" if seconds else text


def clock(value: datetime | time | None) -> str:
    """The hour of day, 24-hour: 14:05. A wall-clock time (a session's start) is shown as
    stored; a stored UTC moment is moved to the office's zone."""
    if value is None:
        return EMPTY
    if isinstance(value, datetime):
        value = local(value).time()
    return TIME.format(value)


def register(app: Flask) -> None:
    """Offer the formatters to every template as filters (``{{ cert.issued_at|datetime }}``)."""
    app.add_template_filter(number, "number")
    app.add_template_filter(percent, "percent")
    app.add_template_filter(hours, "hours")
    app.add_template_filter(hours_number, "hours_number")
    app.add_template_filter(hours_count, "hours_count")
    app.add_template_filter(short_date, "date")
    app.add_template_filter(long_date, "long_date")
    app.add_template_filter(date_time, "datetime")
    app.add_template_filter(clock, "time")
    app.add_template_filter(label, "label")
