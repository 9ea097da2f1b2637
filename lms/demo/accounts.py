"""The demo's sign-in accounts: one trainer (who has a cohort meeting today) and one analyst,
with passwords generated here and printed once by ``lms demo``."""

from sqlalchemy import select

from lms.auth.models import Role, User
from lms.auth.services import create_user, generate_password, hash_password
from lms.extensions import db


def activate(seed: int) -> list[tuple[str, str, str]]:
    """Activate the seed's first trainer and create its analyst; (role label, e-mail, password)."""
    prefix = f"d{seed}"
    trainer = db.session.scalar(
        select(User).where(User.email == f"formador01.{prefix}@demo.example.org")
    )
    password = generate_password()
    trainer.password_hash, trainer.active = hash_password(password), True
    accounts = [(trainer.role_label, trainer.email, password)]
    password = generate_password()
    analyst = create_user(f"analista.{prefix}@demo.example.org", "Analista de demostración",
                          Role.ANALYST, password)
    accounts.append((analyst.role_label, analyst.email, password))
    db.session.flush()
    return accounts
