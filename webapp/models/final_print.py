"""The 盖章版 (定稿) of an application: the file the enterprise prints, signs, stamps and scans."""
from webapp.core.extensions import db
from webapp.core.timeutil import utcnow


class FinalPrint(db.Model):
    """A 盖章版 (定稿): the Word file of exactly the content at that moment, with the version number it will be
    submitted as, its 申报日期 and content fingerprint, to be printed, signed, stamped, scanned and uploaded.

    It stays current while the content (fingerprint), the list of proof files (attachments_digest) and the version
    number are unchanged; submission freezes this very file. Older rows are the history."""

    __tablename__ = "final_print"
    id = db.Column(db.Integer, primary_key=True)
    application_id = db.Column(db.ForeignKey("application.id", ondelete="CASCADE"), nullable=False, index=True)
    version = db.Column(db.Integer, nullable=False)
    fingerprint = db.Column(db.String(16), nullable=False)
    attachments_digest = db.Column(db.String(64), nullable=False)
    declared_on = db.Column(db.Date, nullable=False)
    generated_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    generated_by_id = db.Column(db.ForeignKey("user_account.id"))
    docx_stored_name = db.Column(db.String(64), nullable=False)
    docx_size = db.Column(db.BigInteger, nullable=False)
    docx_sha256 = db.Column(db.String(64), nullable=False)
    docx_crc32 = db.Column(db.BigInteger)        # as the attachments' crc32

    application = db.relationship("Application", back_populates="final_prints")
