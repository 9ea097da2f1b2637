"""Reference lists for synthetic data: common names and places of Cúcuta (no real people)."""

FEMALE = (
    "María", "Luz Marina", "Yurley", "Diana Carolina", "Leidy", "Yesenia", "Ana Milena",
    "Sandra Patricia", "Claudia", "Martha Cecilia", "Karen Dayana", "Yuliana", "Paola Andrea",
    "Daniela", "Valentina", "Mariana", "Gloria Inés", "Blanca Nubia", "Rosa Elvira", "Zulay",
    "Nelly", "Carmen Rosa", "Angie Lorena", "Jessica", "Marisol", "Eliana", "Yaneth", "Nidia",
    "Ludy", "Deisy", "Yorgelis", "Oriana", "Génesis", "Maryuri", "Xiomara", "Yelitza",
)
MALE = (
    "José", "Luis Alberto", "Carlos Andrés", "Jhon Jairo", "Jorge Eliécer", "Juan David",
    "Edinson", "Wilmer", "Yeison", "Brayan Stiven", "Óscar", "Fredy", "Álvaro", "Ramiro",
    "Hernando", "Jesús Alberto", "Miguel Ángel", "Andrés Felipe", "Julián", "Sebastián",
    "Cristian", "Camilo", "Néstor", "Orlando", "Gustavo", "Pedro Pablo", "Wilfredo", "Deivis",
    "Yorman", "Jhonatan", "Víctor Manuel", "Franklin", "Yonaiker", "Luis Eduardo",
)
SURNAMES = (
    "Rodríguez", "García", "Pérez", "Contreras", "Jaimes", "Villamizar", "Ramírez", "Suárez",
    "Carrillo", "Peñaranda", "Rolón", "Sánchez", "Gómez", "Ortega", "Quintero", "Duarte",
    "Parada", "Mora", "Hernández", "Flórez", "Rincón", "Ibarra", "Leal", "Sepúlveda", "Díaz",
    "Castellanos", "Vera", "Becerra", "Galvis", "Ortiz", "Pabón", "Navarro", "Lizcano",
    "Bautista", "Mendoza", "Torres", "Guerrero", "Niño", "Ascanio", "Cárdenas", "Uribe",
    "Montañez", "Angarita", "Sierra", "Colmenares", "Delgado", "Chacón", "Zambrano",
)
BARRIOS = {
    "Comuna 1": ("Centro", "La Playa", "Latino", "Llano"),
    "Comuna 2": ("Caobos", "La Riviera", "Quinta Oriental", "Popular"),
    "Comuna 3": ("San Luis", "Bocono", "Santa Teresita", "Chapinero"),
    "Comuna 4": ("Aeropuerto", "La Ermita", "Cundinamarca", "Santo Domingo"),
    "Comuna 5": ("Prados del Este", "Niza", "Guaimaral", "Sevilla"),
    "Comuna 6": ("El Salado", "Trigal del Norte", "Toledo Plata", "Los Olivos"),
    "Comuna 7": ("Motilones", "Cúcuta 75", "Claret", "Carlos Ramírez París"),
    "Comuna 8": ("Atalaya", "Antonia Santos", "La Libertad", "Belisario"),
    "Comuna 9": ("Belén", "Ospina Pérez", "Palmeras", "Loma de Bolívar"),
    "Comuna 10": ("El Contento", "Juana Rangel", "San Martín", "Cerro Pico"),
}
RURAL = (
    "San Pedro", "Carmen de Tonchalá", "Agua Clara", "Buena Esperanza", "Ricaurte",
    "Palmarito", "Guaramito", "Banco de Arena", "Puerto Villamizar", "San Faustino",
)
SITE_PREFIX = {
    "cac": "CAC",
    "pvd": "Punto Vive Digital",
    "biblioteca": "Biblioteca pública",
    "colegio": "Colegio",
    "salon_comunal": "Salón comunal",
}
ETHNIC = ("afrocolombiano", "indígena", "rrom", "raizal", "ninguno")
TOPICS = {
    "TIC-BASICO": ("El computador y el celular", "Internet y navegación", "Correo electrónico",
                   "Redes sociales seguras", "Trámites en línea"),
    "ALFA-DIGITAL": ("Encendido y partes del equipo", "Uso del teclado y el ratón",
                     "Archivos y carpetas", "Procesador de texto", "Hoja de cálculo básica",
                     "Navegación segura", "Correo y adjuntos", "Videollamadas",
                     "Banca y pagos digitales", "Evaluación final"),
    "GOB-DIGITAL": ("Portales del Estado", "Trámites en gov.co", "Carpeta ciudadana",
                    "Certificados en línea", "Participación ciudadana digital",
                    "Seguridad y datos personales"),
}
