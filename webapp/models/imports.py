"""The history of imports of a Word 申报书 into an application: one row per import, with what it took."""
from webapp.core.extensions import db
from webapp.core.timeutil import utcnow


class WordImport(db.Model):
    __tablename__ = "word_import"
    id = db.Column(db.Integer, primary_key=True)
    application_id = db.Column(db.ForeignKey("application.id", ondelete="CASCADE"), nullable=False, index=True)
    user_id = db.Column(db.ForeignKey("user_account.id"))
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    file_name = db.Column(db.String(255), nullable=False)
    file_size = db.Column(db.BigInteger, nullable=False)
    file_sha256 = db.Column(db.String(64), nullable=False)
    items = db.Column(db.Integer, nullable=False)        # values and pictures taken into the form
    # {"sections": {key: count}, "pictures": n, "skipped": [{"section", "reason"}], "blocks": {"links", "scenarios"}}
    detail = db.Column(db.JSON, nullable=False)

    user = db.relationship("User")
