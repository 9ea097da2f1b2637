"""What ``flask lms --help`` says about each command, in Spanish (the commands' docstrings
stay English developer notes). A command missing here keeps its own docstring; a test
checks that none is missing."""

import click

#: Command name → its help for people, in Spanish.
HELP = {
    "anonymize-person": "Borra la identidad de una persona; sus cifras se conservan.",
    "correct-certificate": (
        "Reemite un documento con los datos actuales; el nuevo reemplaza al "
        "anterior."
    ),
    "create-admin": (
        "Crea un administrador, o vuelve administrador a un usuario con nueva "
        "contraseña."
    ),
    "create-token": "Muestra un nuevo token de la API para el usuario, en la última línea.",
    "create-user": "Crea una cuenta de formador, analista o administrador.",
    "demo": (
        "Crea datos de demostración: sedes, grupos, sesiones, personas, asistencia y "
        "documentos."
    ),
    "ensure-admin": (
        "Asegura que exista un administrador (LMS_ADMIN_EMAIL/PASSWORD o "
        "admin@localhost)."
    ),
    "export-certificate": "Escribe el PDF emitido, byte por byte.",
    "export-person": "Muestra en JSON todo lo guardado sobre una persona (Ley 1581).",
    "import-attendance": "Importa una planilla (CSV o XLSX): todas las filas o ninguna.",
    "import-sites": (
        "Crea o actualiza sedes desde un archivo CSV o XLSX: todas las filas o "
        "ninguna."
    ),
    "indicators": "Muestra los indicadores del plan: meta, logro y porcentaje.",
    "issue-certificates": "Emite el documento de cada inscripción que cumple y aún no lo tiene.",
    "lti-add-platform": "Registra una plataforma LMS; muestra su id en la última línea.",
    "lti-rotate-key": (
        "Crea una nueva clave de firma de la herramienta LTI; la anterior sigue "
        "publicada."
    ),
    "merge-people": "Une un registro duplicado al que se conserva.",
    "revoke-certificate": (
        "Revoca un documento con un motivo; se conserva y se verifica como "
        "revocado."
    ),
    "rotate-signing-key": (
        "Empieza a firmar con una clave nueva; las claves públicas anteriores "
        "siguen publicadas."
    ),
    "seed-catalog": (
        "Crea los indicadores, cursos, comunas, corregimientos y aviso de privacidad si "
        "faltan."
    ),
    "seed-people": "Crea solo las comunas, los corregimientos y el aviso de privacidad si faltan.",
    "send-test-mail": "Encola un correo de prueba (comprueba MAIL_URL y que haya un consumidor).",
    "sweep-tasks": "Reenvía las tareas sin enviar o detenidas.",
    "tasks": "Muestra las tareas en ejecución, programadas, fallidas y reintentadas.",
    "verify": (
        "Verifica un texto QR, un código o un PDF; sale con 0 solo si es auténtico y "
        "vigente."
    ),
}
HELP_OPTION = "Muestra esta ayuda y termina."


def apply(group: click.Group) -> None:
    """Give the group and each of its commands their Spanish help."""
    for command in (group, *group.commands.values()):
        if command.name in HELP:
            command.help, command.short_help = HELP[command.name], None
        command.context_settings.setdefault("help_option_names", ["--help", "-h"])
        command.get_help_option = _spanish_help_option(command.get_help_option)


def _spanish_help_option(original):
    def get_help_option(ctx):
        option = original(ctx)
        if option is not None:
            option.help = HELP_OPTION
        return option

    return get_help_option
