"""Column types shared by the models."""
from webapp.core.extensions import db


def enum_type(cls, length: int = 20):
    """Store an Enum by its value (e.g. 'applicant'), as a VARCHAR on every database."""
    return db.Enum(cls, native_enum=False, length=length, validate_strings=True,
                   values_callable=lambda members: [m.value for m in members])
