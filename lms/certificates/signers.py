"""Who signs the documents: the office sets a name, a title and a signature image, and each
document is issued with the signer current at that moment (frozen into its PDF)."""

import hashlib
import io
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from PIL import Image, UnidentifiedImageError
from sqlalchemy import select

from lms.certificates.models import Signer
from lms.errors import ValidationError
from lms.extensions import db

#: What documents issued before any signer was set print under the line.
DEFAULT_TITLE = "Jefe Oficina TIC"
#: Largest upload accepted, and the largest side kept (plenty for 5 cm at 300 dpi).
MAX_BYTES, MAX_SIDE = 2 * 1024 * 1024, 600


def current() -> Signer | None:
    """The signer documents are issued with now (the newest one set), or None."""
    return db.session.scalar(select(Signer).order_by(Signer.id.desc()).limit(1))


def set_signer(name: str, title: str, upload: bytes | None, user_id: int | None) -> Signer:
    """Record a new signer; a missing image keeps the current signer's image."""
    name, title = " ".join((name or "").split()), " ".join((title or "").split())
    if not name:
        raise ValidationError(_("Escriba el nombre de quien firma."), "name")
    if len(name) > 120:
        raise ValidationError(_("El nombre no puede pasar de 120 caracteres."), "name")
    if not title:
        raise ValidationError(_("Escriba el cargo de quien firma."), "title")
    if len(title) > 160:
        raise ValidationError(_("El cargo no puede pasar de 160 caracteres."), "title")
    previous = current()
    image = _png(upload) if upload else (previous.image if previous else None)
    signer = Signer(name=name, title=title, image=image, created_by_id=user_id)
    db.session.add(signer)
    db.session.flush()
    return signer


def _png(data: bytes) -> bytes:
    if len(data) > MAX_BYTES:
        raise ValidationError(_("La imagen de la firma no puede pasar de 2 MB."), "image")
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in ("PNG", "JPEG"):
                raise ValidationError(_("La firma debe ser una imagen PNG o JPG."), "image")
            if image.width * image.height > 25_000_000:
                raise ValidationError(_("La imagen de la firma es demasiado grande."), "image")
            rgba = image.convert("RGBA")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise ValidationError(_("No se pudo leer la imagen de la firma (PNG o JPG)."),
                              "image") from exc
    rgba.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    rgba.save(out, "PNG", optimize=True)
    return out.getvalue()


def image_path(signer: Signer | None) -> str | None:
    """A file holding the signer's image (written once per machine), or None."""
    image = signer and db.session.scalar(select(Signer.image).where(Signer.id == signer.id))
    if not image:
        return None
    # Named by content: the same image gives the same file (and the same cached PDF objects).
    digest = hashlib.sha256(image).hexdigest()[:24]
    path = Path(current_app.instance_path) / "signatures" / f"{digest}.png"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(image)
    return str(path)
