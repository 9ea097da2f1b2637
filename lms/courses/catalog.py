"""The catalog: plan indicators and courses, their rules, and the idempotent official seed."""

from datetime import date
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select

from lms.courses.models import DOCUMENT_KINDS, RULES, Cohort, Course, PlanIndicator
from lms.courses.rules import Problems, code_of, delete, store, unique_code
from lms.courses.signals import course_rule_changed
from lms.extensions import db
from lms.formatting import N_
from lms.people.services import seed_reference_data

PERIOD = (date(2020, 1, 1), date(2023, 12, 31))
#: The PDM "Cúcuta 2050, Estrategia de Todos" indicators (GUIDE.md); data, editable later.
SEED_INDICATORS = (
    {
        "code": "2301031-PC",
        "name": "Personas capacitadas",
        "product_code": "2301031",
        "product_name": "Servicio de educación informal en uso básico de TIC",
        "goal": 3200,
        "rule": "completed",
    },
    {
        "code": "2301034-PCAD",
        "name": "Personas certificadas en alfabetización digital",
        "product_code": "2301034",
        "product_name": "Servicio de educación para el trabajo en TIC",
        "goal": 350,
        "rule": "certified",
    },
    {
        "code": "2302033-PCGD",
        "name": "Personas capacitadas en Gobierno Digital",
        "product_code": "2302033",
        "product_name": "Servicio de educación informal en Gobierno Digital",
        "goal": 315,
        "rule": "completed",
    },
)
#: The official courses (issue 2, item 5).
SEED_COURSES = (
    ("TIC-BASICO", "Uso básico de las TIC", "2301031", 20, "constancia"),
    ("ALFA-DIGITAL", "Alfabetización digital", "2301034", 40, "certificado"),
    ("GOB-DIGITAL", "Gobierno Digital para la ciudadanía", "2302033", 12, "constancia"),
)


def clean_indicator(data: dict, indicator: PlanIndicator | None = None) -> dict:
    """Check a plan indicator's fields and return them normalized."""
    problems = Problems()
    clean = {
        "code": code_of(problems.text(data, "code", N_("Código"), 30)) or None,
        "name": problems.text(data, "name", N_("Nombre del indicador"), 200),
        "product_code": problems.text(data, "product_code", N_("Código del producto MGA"), 20),
        "product_name": problems.text(data, "product_name", N_("Nombre del producto"), 200, False)
        or "",
        "period_start": data.get("period_start"),
        "period_end": data.get("period_end"),
        "rule": data.get("rule"),
    }
    goal = data.get("goal")
    if not isinstance(goal, int) or isinstance(goal, bool) or goal < 1:
        problems.add("goal", _("La meta debe ser un número entero mayor que 0."))
    clean["goal"] = goal
    start, end = clean["period_start"], clean["period_end"]
    if not isinstance(start, date):
        problems.add("period_start", _("Indique la fecha de inicio del periodo."))
    if not isinstance(end, date):
        problems.add("period_end", _("Indique la fecha final del periodo."))
    elif isinstance(start, date) and start > end:
        problems.add("period_end",
                     _("La fecha final del periodo no puede ser anterior a la inicial."))
    if clean["rule"] not in RULES:
        problems.add("rule", _("Regla de conteo no válida; use completed o certified."))
    unique_code(problems, PlanIndicator, clean["code"], indicator)
    problems.raise_if_any()
    return clean


def save_indicator(data: dict, indicator: PlanIndicator | None = None) -> PlanIndicator:
    """Create a plan indicator, or update ``indicator``."""
    return store(PlanIndicator, clean_indicator(data, indicator), indicator)


def delete_indicator(indicator: PlanIndicator) -> None:
    """Delete an indicator unless courses would be left reporting to no indicator."""
    others = db.session.scalar(
        select(func.count(PlanIndicator.id)).where(
            PlanIndicator.product_code == indicator.product_code, PlanIndicator.id != indicator.id
        )
    )
    courses = db.session.scalar(
        select(func.count(Course.id)).where(Course.product_code == indicator.product_code)
    )
    refusal = None
    if courses and not others:
        refusal = (
            ngettext("%(num)d curso reporta al producto %(product)s; cámbielo de producto "
                     "antes de eliminar el indicador.",
                     "%(num)d cursos reportan al producto %(product)s; cámbielos de producto "
                     "antes de eliminar el indicador.", courses, product=indicator.product_code)
        )
    delete(indicator, refusal, "product_code")


def product_codes() -> list[tuple[str, str]]:
    """(product code, product name) pairs that courses may report to."""
    rows = db.session.execute(
        select(PlanIndicator.product_code, func.max(PlanIndicator.product_name))
        .group_by(PlanIndicator.product_code)
        .order_by(PlanIndicator.product_code)
    )
    return [(code, name) for code, name in rows]


def clean_course(data: dict, course: Course | None = None) -> dict:
    """Check a course's fields and return them normalized."""
    problems = Problems()
    clean = {
        "code": code_of(problems.text(data, "code", N_("Código"), 30)) or None,
        "name": problems.text(data, "name", N_("Nombre"), 200),
        "description": str(data.get("description") or "").strip(),
        "product_code": problems.text(data, "product_code", N_("Producto del plan"), 20),
        "grants_document": bool(data.get("grants_document")),
        "auto_issue": bool(data.get("auto_issue")),
        "one_document_per_product": bool(data.get("one_document_per_product")),
        "active": bool(data.get("active", True)),
        "document_kind": data.get("document_kind") or None,
    }
    try:
        hours = Decimal(str(data.get("hours"))).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        hours = None
    if hours is None or not hours.is_finite() or hours <= 0:
        problems.add("hours", _("Las horas del curso deben ser un número mayor que 0."))
    elif hours > 9999:
        problems.add("hours", _("Las horas del curso no pueden superar 9999."))
    clean["hours"] = hours
    pct = data.get("min_attendance_pct")
    if not isinstance(pct, int) or isinstance(pct, bool) or not 1 <= pct <= 100:
        problems.add(
            "min_attendance_pct", _("La asistencia mínima debe ser un porcentaje entre 1 y 100.")
        )
    clean["min_attendance_pct"] = pct
    if clean["grants_document"]:
        if clean["document_kind"] not in DOCUMENT_KINDS:
            problems.add("document_kind", _("Indique si otorga certificado o constancia."))
    else:
        # Without a document there is nothing to issue automatically.
        clean["document_kind"], clean["auto_issue"] = None, False
    product = clean["product_code"]
    if product and not db.session.scalar(
        select(PlanIndicator.id).where(PlanIndicator.product_code == product).limit(1)
    ):
        problems.add("product_code", _(
            "El producto %(code)s no corresponde a ningún indicador del plan; créelo primero en "
            "el catálogo.", code=product))
    unique_code(problems, Course, clean["code"], course)
    problems.raise_if_any()
    return clean


def save_course(data: dict, course: Course | None = None) -> Course:
    """Create a course, or update ``course``."""
    clean = clean_course(data, course)
    # The completion rule reads the course's hours and minimum attendance.
    rule_changed = course is not None and (
        Decimal(course.hours) != clean["hours"]
        or course.min_attendance_pct != clean["min_attendance_pct"]
    )
    course = store(Course, clean, course)
    if rule_changed:
        course_rule_changed.send(Course, course_id=course.id)
    return course


def delete_course(course: Course) -> None:
    """Delete a course no cohort uses; otherwise ask to deactivate it."""
    used = db.session.scalar(select(func.count(Cohort.id)).where(Cohort.course_id == course.id))
    refusal = ngettext("El curso tiene %(num)d grupo; desactívelo en lugar de eliminarlo.",
                       "El curso tiene %(num)d grupos; desactívelo en lugar de eliminarlo.", used)
    delete(course, refusal if used else None, "active")


def seed_catalog() -> dict:
    """Create the official indicators and courses, and the people reference data, if missing.

    Existing records are kept untouched (the office may have edited them), so running it
    again changes nothing. Returns {"indicators": {"created": [...], "kept": [...]},
    "courses": {...}, "reference": <people seed counts or None>}.
    """
    report = {"indicators": {"created": [], "kept": []}, "courses": {"created": [], "kept": []}}
    for spec in SEED_INDICATORS:
        # Matching the product and period too survives an office renaming the code.
        found = db.session.scalar(
            select(PlanIndicator.code).where(
                (PlanIndicator.code == spec["code"])
                | (
                    (PlanIndicator.product_code == spec["product_code"])
                    & (PlanIndicator.period_start == PERIOD[0])
                )
            )
        )
        if found:
            report["indicators"]["kept"].append(found)
            continue
        save_indicator({**spec, "period_start": PERIOD[0], "period_end": PERIOD[1]})
        report["indicators"]["created"].append(spec["code"])
    for code, name, product, hours, kind in SEED_COURSES:
        if db.session.scalar(select(Course.id).where(Course.code == code)):
            report["courses"]["kept"].append(code)
            continue
        save_course(
            {
                "code": code,
                "name": name,
                "product_code": product,
                "hours": hours,
                "min_attendance_pct": 80,
                "grants_document": True,
                "document_kind": kind,
            }
        )
        report["courses"]["created"].append(code)
    # Comunas, corregimientos and the privacy notice belong to the people domain.
    report["reference"] = seed_reference_data()
    return report
