"""Commands of the indicators domain: ``lms indicators [--json] [--year YYYY]``."""

import json
from datetime import datetime

import click
from flask.cli import AppGroup
from flask_babel import gettext as _
from flask_babel import ngettext

from lms.commands import run_once
from lms.formatting import date_time, number
from lms.indicators import counting, events


def register(group: AppGroup) -> None:
    """Add this domain's commands to the ``lms`` group."""

    @group.command("indicators")
    @click.option("--json", "as_json", is_flag=True, help="Imprime el JSON del contrato.")
    @click.option("--year", type=click.IntRange(1900, 2999), help="Logro de ese año solamente.")
    @click.option("--check", is_flag=True,
                  help="Compara la tabla de primeros eventos con el cálculo completo.")
    @click.option("--rebuild", is_flag=True,
                  help="Recalcula la tabla de primeros eventos desde el cálculo completo.")
    def indicators(as_json: bool, year: int | None, check: bool, rebuild: bool) -> None:
        """Print the plan indicators: goal, achieved, percent and per-year figures."""
        if rebuild:
            run_once(events.rebuild)
            rows = events.count_rows()
            click.echo(ngettext("Primeros eventos recalculados: %(n)s fila.",
                                "Primeros eventos recalculados: %(n)s filas.", rows,
                                n=number(rows)))
            return
        if check:
            _check()
            return
        data = counting.report(counting.Filters(year=year))
        if as_json:
            click.echo(json.dumps(data, ensure_ascii=False, indent=2))
            return
        click.echo(render_table(data, year))


def _check() -> None:
    """Exit 1, listing a few rows, when the stored first events differ from the computation."""
    found = events.differences()
    if not found:
        rows = events.count_rows()
        click.echo(ngettext("Los primeros eventos guardados coinciden con el cálculo completo "
                            "(%(n)s fila).",
                            "Los primeros eventos guardados coinciden con el cálculo completo "
                            "(%(n)s filas).", rows, n=number(rows)))
        return
    click.echo(ngettext("%(n)s fila difiere (origen, indicador, persona, inscripción, grupo, "
                        "fecha); corrija con --rebuild:",
                        "%(n)s filas difieren (origen, indicador, persona, inscripción, grupo, "
                        "fecha); corrija con --rebuild:", len(found), n=number(len(found))))
    for row in found[:20]:
        click.echo("  " + ", ".join(str(value) for value in row))
    raise SystemExit(1)


def render_table(data: dict, year: int | None) -> str:
    """A readable fixed-width table of the indicators JSON, its figures in es-CO (3.200; 41,9)."""
    years = sorted({y for ind in data["indicators"] for y in ind["by_year"]})
    achieved = _("Logro %(year)s", year=year) if year else _("Logro")
    head = [_("Código"), _("Producto"), _("Regla"), _("Meta"), achieved, "%", *years]
    rows = [
        [
            ind["code"],
            ind["product"],
            ind["rule"],
            number(ind["goal"]),
            number(ind["achieved"]),
            number(ind["percent"], 1),
            *(number(ind["by_year"][y]) if y in ind["by_year"] else "" for y in years),
        ]
        for ind in data["indicators"]
    ]
    widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(len(head))]
    generated = date_time(datetime.fromisoformat(data["generated"].removesuffix("Z")))
    lines = [_("Indicadores del plan (generado el %(moment)s, hora de Colombia)",
               moment=generated)]
    for row in [head, ["-" * w for w in widths], *rows]:
        lines.append("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)))
    for ind in data["indicators"]:
        lines.append(f"{ind['code']}: {ind['name']}")
    if not data["indicators"]:
        lines.append(_("No hay indicadores configurados: ejecute `lms seed-catalog`."))
    return "\n".join(lines)
