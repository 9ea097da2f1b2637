"""schemathesis (pinned in the dev extra) against /api/v1/openapi.json and the live app.

Every operation of the spec, as an admin token (valid and invalid data) and as a trainer
token (valid data), with every built-in check. Generation is derandomized with a bounded
example count, and every run starts from the same rolled-back database, so a run is
repeatable: what it finds is a defect of the app or of the spec, never luck.
"""

import itertools
from datetime import date

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.specs.openapi.checks import positive_data_acceptance

from lms.auth.services import create_token
from lms.certificates.issue import issue_for
from tests import factories

#: Examples per operation and generation mode: bounded, so the test stays well under a minute.
SETTINGS = settings(max_examples=2, derandomize=True, database=None, deadline=None,
                    suppress_health_check=list(HealthCheck))
MODES = {"admin": (GenerationMode.POSITIVE, GenerationMode.NEGATIVE),
         "trainer": (GenerationMode.POSITIVE,)}


def _documented_rule(ctx, response, case):
    """``positive_data_acceptance``, except for a 422 the operation documents.

    A JSON Schema cannot say that an id must name an existing row, that a document number
    fits its type, that a file is a real CSV: the services refuse such data with a 422
    that names the field, and the spec documents that 422 on the operation. schemathesis
    counts any schema-valid request as acceptable, so it would call those refusals bugs.
    Every other status outside the check's list still fails, and so does a 422 on an
    operation that does not document one.
    """
    if response.status_code == 422 and "422" in case.operation.definition.raw["responses"]:
        return None
    return positive_data_acceptance(ctx, response, case)


def _checks() -> list:
    load_all_checks()
    return [_documented_rule if check is positive_data_acceptance else check
            for check in CHECKS.get_all()]


@pytest.fixture
def world(db):
    """Tokens of an admin and of a trainer who teaches one cohort with a session, an
    enrollment and its certificate (so generated ids sometimes name real rows)."""
    admin, trainer = factories.user("admin"), factories.user("trainer")
    cohort = factories.cohort(trainers=[trainer], start_date=date(2021, 2, 1))
    factories.session(cohort, hours="20")
    enrollment = factories.enrollment(cohort, completed_on=date(2021, 2, 1), status="completo")
    issue_for(enrollment)
    factories.indicator(code="IND-ST")
    return {"admin": create_token(admin, "schemathesis"),
            "trainer": create_token(trainer, "schemathesis")}


@pytest.mark.parametrize("role", ["admin", "trainer"])
def test_api_conforms_to_its_spec(app, client, world, role):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    checks, serial, failures = _checks(), itertools.count(), []
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in MODES[role]:

            @SETTINGS
            @given(case=operation.as_strategy(generation_mode=mode))
            def run(case):
                headers = {"Authorization": f"Bearer {world[role]}"}
                key = (case.headers or {}).get("Idempotency-Key")
                if case.meta.generation.mode.is_positive and key:
                    # A client sends a new key for each operation (the spec says so); the
                    # same key with another body is a documented 422 (tests/api/
                    # test_conventions.py), which examples reusing a generated key would hit.
                    case.headers["Idempotency-Key"] = f"{key[:240]}-{next(serial)}"
                case.call_and_validate(session=client, headers=headers, checks=checks)

            try:
                run()
            except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - all listed below
                failures.append(f"{operation.label} [{mode.value}] {exc}")
    assert not failures, "\n\n".join(failures)
