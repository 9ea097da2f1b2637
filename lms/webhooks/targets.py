"""Which URLs a webhook may point at: https in production, never the office's own network.

A host that resolves to a private, loopback, link-local, reserved or multicast address is
refused (server-side request forgery) unless it is in ``WEBHOOK_ALLOWED_HOSTS``. The check
runs when the endpoint is saved and again before every delivery (DNS can change).
"""

import ipaddress
import socket
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _

from lms.errors import ValidationError


def _addresses(host: str) -> list:
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise ValidationError(_(
            "No se pudo resolver el servidor «%(host)s».",
            host=host,
        ), "url") from exc
    return [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]


def check_url(url: str) -> str:
    """``url`` cleaned, or a ValidationError on ``url`` saying why it may not be used."""
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname or len(url) > 500:
        raise ValidationError(_(
            "Escriba una URL completa, p. ej. https://ejemplo.gov.co/hook (máximo 500 caracteres).",
        ), "url")
    if parts.username or parts.password:
        raise ValidationError(_("La URL no puede llevar usuario ni contraseña."), "url")
    if parts.scheme != "https" and not current_app.config["WEBHOOK_ALLOW_HTTP"]:
        raise ValidationError(_("La URL debe usar https."), "url")
    host = parts.hostname.lower()
    allowed = {h.lower() for h in current_app.config["WEBHOOK_ALLOWED_HOSTS"]}
    if host in allowed:
        return url
    for address in _addresses(host):
        if not address.is_global or address.is_multicast:
            raise ValidationError(
                _(
                    "La URL apunta a una dirección interna (%(address)s); no se permite salvo que "
                    "el servidor esté en WEBHOOK_ALLOWED_HOSTS.",
                    address=address,
                ), "url")
    return url
