"""Reference data: the default privacy notice and Cúcuta's comunas and corregimientos.

Both are seeded as editable rows, not read from here at run time: the office may
publish a new notice version or correct the list of corregimientos without a release.
"""

DEFAULT_NOTICE_VERSION = "2024-01"

DEFAULT_NOTICE_TEXT = """\
AVISO DE PRIVACIDAD Y AUTORIZACIÓN PARA EL TRATAMIENTO DE DATOS PERSONALES
(Ley 1581 de 2012 y Decreto 1074 de 2015)

Responsable del tratamiento: Alcaldía de San José de Cúcuta — Oficina TIC.
Contacto: Oficina TIC, Palacio Municipal, Calle 11 # 5-49, Cúcuta, Norte de Santander. \
Correo: proteccion.datos@cucuta.gov.co. Atención presencial en días hábiles.

Finalidades: sus datos se usarán para (1) registrar su inscripción en los cursos de \
formación en tecnologías de la información y las comunicaciones; (2) controlar su \
asistencia a las sesiones; (3) expedir y permitir verificar los certificados y \
constancias de participación; y (4) elaborar estadísticas para el seguimiento de los \
indicadores del Plan de Desarrollo Municipal. Las estadísticas que se publican no \
permiten identificar a ninguna persona.

Datos sensibles y de menores: las preguntas sobre pertenencia étnica, discapacidad, \
condición de víctima del conflicto armado y condición de migrante son OPCIONALES; usted \
no está obligado(a) a responderlas y puede elegir "prefiero no responder". Los datos de \
niñas, niños y adolescentes se tratan respetando su interés superior y requieren la \
autorización de su representante legal o acudiente; responder las preguntas que los \
conciernen también es opcional.

Sus derechos como titular: conocer, actualizar y rectificar sus datos; solicitar prueba \
de la autorización otorgada; ser informado(a) sobre el uso que se les ha dado; presentar \
quejas ante la Superintendencia de Industria y Comercio; revocar la autorización y \
solicitar la supresión de sus datos cuando no exista un deber legal de conservarlos; y \
acceder gratuitamente a ellos.

Cómo ejercerlos: escriba a proteccion.datos@cucuta.gov.co o acérquese a la Oficina TIC \
con su documento de identidad. Las consultas se responden en máximo diez (10) días \
hábiles y los reclamos en máximo quince (15) días hábiles. Si solicita la supresión, \
se eliminará su identidad y se conservarán únicamente cifras estadísticas anónimas.

Al marcar la casilla de autorización, usted declara que leyó este aviso y autoriza de \
manera previa, expresa e informada el tratamiento de sus datos para las finalidades \
descritas.
"""

URBAN_AREAS = tuple(f"Comuna {n}" for n in range(1, 11))

RURAL_AREAS = (
    "San Pedro",
    "Carmen de Tonchalá",
    "Agua Clara",
    "Buena Esperanza",
    "Ricaurte",
    "Palmarito",
    "Guaramito",
    "Banco de Arena",
    "Puerto Villamizar",
    "San Faustino",
)
