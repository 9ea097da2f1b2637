"""The catalog rows the demo needs, for trees where the catalog service is not there."""

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from lms.courses.models import Course
from lms.extensions import db
from lms.people.models import PrivacyNotice


def seed_minimal_catalog() -> None:
    """The issue 2 seed rows, for trees where the catalog service is not there."""
    from lms.courses.models import PlanIndicator

    period = {"period_start": date(2020, 1, 1), "period_end": date(2023, 12, 31)}
    for product, name, goal, rule in (
        ("2301031", "Personas capacitadas", 3200, "completed"),
        ("2301034", "Personas certificadas en alfabetización digital", 350, "certified"),
        ("2302033", "Personas capacitadas", 315, "completed"),
    ):
        if not db.session.scalar(select(PlanIndicator.id).where(PlanIndicator.code == product)):
            db.session.add(PlanIndicator(code=product, name=name, product_code=product,
                                         goal=goal, rule=rule, **period))
    for code, name, product, hours, kind in (
        ("TIC-BASICO", "Uso básico de las TIC", "2301031", 20, "constancia"),
        ("ALFA-DIGITAL", "Alfabetización digital", "2301034", 40, "certificado"),
        ("GOB-DIGITAL", "Gobierno Digital para la ciudadanía", "2302033", 12, "constancia"),
    ):
        if not db.session.scalar(select(Course.id).where(Course.code == code)):
            db.session.add(Course(code=code, name=name, product_code=product,
                                  hours=Decimal(hours), document_kind=kind))
    if not db.session.scalar(select(PrivacyNotice.id)):
        db.session.add(PrivacyNotice(version="demo", text="Aviso de privacidad (demostración)."))
    db.session.flush()
