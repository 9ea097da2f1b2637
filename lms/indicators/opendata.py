"""Open data (Ley 1712 de 2014): aggregate indicator tables with statistical disclosure control.

Rules, applied to every table (the per-year table and each breakdown), whose cells add up to
the indicator's total:

* a cell of 1 to 4 people is suppressed and shown as ``<5`` (primary suppression); zeros are
  published, since they describe nobody;
* when the published total would let a suppressed cell be worked out (a single hidden cell, or
  hidden cells that can only take one combination of values, given that ``<5`` means 1 to 4
  and ``reservado`` 5 or more), the smallest other non-zero cell is hidden too and shown as
  ``reservado`` (complementary suppression). This repeats until no hidden cell can be
  recomputed;
* when no cell is left to hide and the table could still be worked out, the whole table is
  withheld: every cell, zeros included, is shown as ``reservado``. Only then can a
  ``reservado`` cell hold 0 or 1 to 4 people, and it is recognisable: no ``<5`` beside it;
* a total of 1 to 4 is itself shown as ``<5``.
"""

from lms.formatting import N_
from lms.indicators import counting
from lms.spreadsheet import csv_text

TABLE_NAMES = {name: dim.slug for name, dim in counting.DIMENSIONS.items()}
SMALL = "<5"
RESERVED = "reservado"
COLUMNS = (
    ("codigo_indicador", "Código del indicador del plan de desarrollo."),
    ("nombre_indicador", "Nombre del indicador."),
    ("codigo_producto", "Código MGA del producto que cuenta el indicador."),
    ("regla", "Qué cuenta el indicador, en palabras: "
     + "; ".join(f"«{text}»" for text in counting.RULE_TEXT.values()) + "."),
    ("periodo_inicio", "Primer día del periodo del plan (AAAA-MM-DD)."),
    ("periodo_fin", "Último día del periodo del plan (AAAA-MM-DD)."),
    ("meta", "Meta de personas del periodo."),
    (
        "tabla",
        "total, anio (año del primer evento de la persona), " + ", ".join(TABLE_NAMES.values()),
    ),
    ("categoria", "Categoría de la tabla (p. ej. 2021, Femenino, 18-28, no informa)."),
    (
        "personas",
        "Personas únicas. «<5»: entre 1 y 4 personas (reserva estadística). «reservado»: "
        "valor oculto para que las celdas «<5» no se puedan recalcular a partir del total; "
        "junto a celdas «<5» vale 5 o más. Si todas las celdas de una tabla dicen "
        "«reservado», la tabla entera se reservó y cada celda puede valer 0 o más.",
    ),
    ("fecha_generacion", "Fecha y hora (UTC) de generación del archivo."),
)


def suppress(counts: list[int], total: int) -> list[str]:
    """Published values of cells adding up to ``total`` (see the module rules)."""
    shown = [SMALL if 0 < n < 5 else str(n) for n in counts]
    if 0 < total < 5:
        # The total is hidden too, so nothing can be subtracted from it.
        return shown
    small = {i for i, n in enumerate(counts) if 0 < n < 5}
    extra: set[int] = set()
    while small and _recomputable(counts, small, extra):
        left = [i for i, n in enumerate(counts) if n >= 5 and i not in extra]
        if not left:
            # A hidden zero would break the meaning of «<5» and «reservado»: withhold it all.
            return [RESERVED] * len(counts)
        j = min(left, key=lambda i: (counts[i], i))
        extra.add(j)
        shown[j] = RESERVED
    return shown


def _recomputable(counts, small: set, extra: set) -> bool:
    """Whether the hidden cells' values follow from their known sum and their bounds.

    Each «<5» is 1 to 4 and each «reservado» 5 or more, so the hidden cells can only be
    pinned down when there is one of them, or when their sum is the least (or, without
    «reservado» cells, the most) those bounds allow; any other sum has several solutions.
    """
    hidden = small | extra
    known_sum = sum(counts[i] for i in hidden)
    lowest = len(small) + 5 * len(extra)
    highest = None if extra else 4 * len(small)
    return len(hidden) == 1 or known_sum in (lowest, highest)


def published(only: tuple[str, ...] | None = None) -> list[dict]:
    """Every indicator's tables as published: {indicator, total, tables: [(slug, title,
    [(category, shown)])]}, ``shown`` being what the CSV and the charts show (suppressed).

    ``only`` names the breakdowns wanted (all by default); each table is suppressed on its
    own, so a table reads the same whichever others come with it.
    """
    out = []
    for table in _tables(only):
        s = table["summary"]
        years = sorted(s.by_year.items())
        tables = [("anio", "Año del primer evento",
                   list(zip((str(y) for y, _ in years),
                            suppress([n for _, n in years], s.total), strict=True)))]
        for dim, cells in table["breakdowns"]:
            values = suppress([c["count"] for c in cells], s.total)
            tables.append((dim.slug, dim.title,
                           [(c["label"], v) for c, v in zip(cells, values, strict=True)]))
        out.append({"indicator": s.indicator, "total": shown_total(s.total), "tables": tables})
    return out


def shown_total(total: int) -> str:
    """A total as published: 1 to 4 people are «<5»."""
    return SMALL if 0 < total < 5 else str(total)


def rows(generated: str) -> list[list]:
    """The open-data table: every indicator's total, per-year and breakdown cells."""
    out = []
    for item in published():
        ind = item["indicator"]
        base = [
            ind.code,
            ind.name,
            ind.product_code,
            counting.rule_text(ind),
            ind.period_start.isoformat(),
            ind.period_end.isoformat(),
            ind.goal,
        ]
        out.append([*base, "total", "total", item["total"], generated])
        for slug, _, cells in item["tables"]:
            out.extend([*base, slug, category, value, generated] for category, value in cells)
    return out


def _tables(only: tuple[str, ...] | None) -> list[dict]:
    if only is None:
        from lms.indicators.exports import collect

        return collect(counting.Filters())
    return [
        {"summary": s, "breakdowns": [(counting.DIMENSIONS[name],
                                       counting.breakdown(s.indicator, name)) for name in only]}
        for s in counting.summaries()
    ]


#: The breakdowns charted on the open-data page, beside the years.
CHARTED = ("zone", "sex")


def charts() -> list[dict]:
    """What the open-data page charts, per indicator: the years (with the period's total and
    the goal) and the CHARTED breakdowns, every value as the CSV publishes it."""
    out = []
    for item in published(CHARTED):
        ind = item["indicator"]
        (_, _, years), *breakdowns = item["tables"]
        years = [*years, (N_("Total del periodo"), item["total"])]
        out.append({
            "indicator": ind,
            "years": [*_bars(years), {"label": N_("Meta"), "shown": str(ind.goal),
                                      "count": ind.goal, "goal": True}],
            "breakdowns": [(title, _bars(cells)) for _, title, cells in breakdowns],
        })
    return out


def _bars(cells) -> list[dict]:
    """Chart cells: the published text and, only when it is a number, that number."""
    return [{"label": label, "shown": shown, "count": int(shown) if shown.isdigit() else None,
             "goal": False} for label, shown in cells]


def to_csv(generated: str, fmt: str = "rfc4180") -> str:
    """The open-data CSV text (UTF-8, header row) in ``fmt`` (see lms.spreadsheet)."""
    return csv_text([[name for name, _ in COLUMNS], *rows(generated)], fmt)


def dictionary_csv(fmt: str = "rfc4180") -> str:
    """The data dictionary as CSV: column name and description."""
    return csv_text([["columna", "descripcion"], *COLUMNS], fmt)
