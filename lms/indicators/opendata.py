"""Open data (Ley 1712 de 2014): aggregate indicator tables with statistical disclosure control.

Rules, applied to every table (the per-year table and each breakdown), whose cells add up to
the indicator's total:

* a cell of 1 to 4 people is suppressed and shown as ``<5`` (primary suppression); zeros are
  published, since they describe nobody;
* when the published total would let a suppressed cell be worked out (a single hidden cell, or
  hidden cells that can only take one combination of values), the smallest other non-zero cell
  is hidden too and shown as ``reservado`` (complementary suppression); zeros are hidden as a
  last resort. This repeats until no hidden cell can be recomputed;
* a total of 1 to 4 is itself shown as ``<5``.
"""

import csv
import io

from lms.indicators import counting

TABLE_NAMES = {
    "sex": "sexo",
    "age_group": "grupo_edad",
    "zone": "zona",
    "area": "comuna_corregimiento",
    "site": "sede",
    "course": "curso",
    "ethnic": "grupo_etnico",
    "disability": "discapacidad",
    "victim": "victima",
    "migrant": "migrante",
}
SMALL = "<5"
RESERVED = "reservado"
COLUMNS = (
    ("codigo_indicador", "Código del indicador del plan de desarrollo."),
    ("nombre_indicador", "Nombre del indicador."),
    ("codigo_producto", "Código MGA del producto que cuenta el indicador."),
    ("regla", "completed: personas que completaron; certified: personas con certificado vigente."),
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
        "Personas únicas. «<5»: entre 1 y 4 personas (reserva estadística); «reservado»: "
        "valor oculto para que las celdas «<5» no se puedan recalcular a partir de los totales.",
    ),
    ("fecha_generacion", "Fecha y hora (UTC) de generación del archivo."),
)


def suppress(counts: list[int], total: int) -> list[str]:
    """Published values of cells adding up to ``total`` (see the module rules)."""
    shown = [str(n) for n in counts]
    primary = {i for i, n in enumerate(counts) if 0 < n < 5}
    for i in primary:
        shown[i] = SMALL
    if 0 < total < 5:
        # The total is hidden too, so nothing can be subtracted from it.
        return shown
    zeros: set[int] = set()
    extra: set[int] = set()
    while (primary or zeros or extra) and _recomputable(counts, primary, zeros, extra):
        hidden = primary | zeros | extra
        candidates = [i for i, n in enumerate(counts) if i not in hidden and n > 0]
        if candidates:
            j = min(candidates, key=lambda i: (counts[i], i))
            extra.add(j)
            shown[j] = RESERVED
            continue
        left = [i for i, n in enumerate(counts) if i not in hidden]
        if not left:
            break
        zeros.add(left[0])
        shown[left[0]] = SMALL
    return shown


def _recomputable(counts, primary: set, zeros: set, extra: set) -> bool:
    """Whether the hidden cells' values follow from their known sum and their bounds."""
    hidden = primary | zeros | extra
    if len(hidden) == 1:
        return True
    known_sum = sum(counts[i] for i in hidden)
    lowest = len(primary) + 5 * len(extra)
    if known_sum == lowest:
        return True
    # Only without "reservado" cells is there an upper bound (each "<5" is at most 4).
    return not extra and known_sum == 4 * (len(primary) + len(zeros))


def rows(generated: str) -> list[list]:
    """The open-data table: every indicator's total, per-year and breakdown cells."""
    out = []
    for table in _tables():
        s = table["summary"]
        ind = s.indicator
        base = [
            ind.code,
            ind.name,
            ind.product_code,
            ind.rule,
            ind.period_start.isoformat(),
            ind.period_end.isoformat(),
            ind.goal,
        ]
        total = s.total
        out.append([*base, "total", "total", SMALL if 0 < total < 5 else str(total), generated])
        years = sorted(s.by_year.items())
        for (year, _), value in zip(years, suppress([n for _, n in years], total), strict=True):
            out.append([*base, "anio", str(year), value, generated])
        for dim, cells in table["breakdowns"]:
            values = suppress([c["count"] for c in cells], total)
            for cell, value in zip(cells, values, strict=True):
                out.append([*base, TABLE_NAMES[dim.name], cell["label"], value, generated])
    return out


def _tables() -> list[dict]:
    from lms.indicators.exports import collect

    return collect(counting.Filters())


def to_csv(generated: str) -> str:
    """The open-data CSV text (UTF-8, comma-separated, header row)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([name for name, _ in COLUMNS])
    writer.writerows(rows(generated))
    return out.getvalue()


def dictionary_csv() -> str:
    """The data dictionary as CSV: column name and description."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["columna", "descripcion"])
    writer.writerows(COLUMNS)
    return out.getvalue()
