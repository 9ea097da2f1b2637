"""The ``flask --app wsgi lms`` command group; each domain adds its own commands."""

from importlib import import_module

from flask.cli import AppGroup

from lms import cli_help

lms_group = AppGroup("lms", help="Comandos de administración del servicio.")

for _module in (
    "lms.auth.cli",
    "lms.courses.cli",
    "lms.people.cli",
    "lms.attendance.cli",
    "lms.certificates.cli",
    "lms.indicators.cli",
    "lms.ops.cli",
    "lms.lti.cli",
    "lms.demo",
):
    import_module(_module).register(lms_group)

cli_help.apply(lms_group)
