"""Reference data: the versioned scenario guide (方面/环节/场景), GB/T 4754-2017 industries, Hunan's regions."""
from webapp.core.extensions import db


class CatalogueEdition(db.Model):
    """One edition of 智能制造典型场景参考指引; campaigns and applications keep the edition they use."""

    __tablename__ = "catalogue_edition"
    id = db.Column(db.Integer, primary_key=True)
    code = db.Column(db.String(20), nullable=False, unique=True)
    name = db.Column(db.String(100), nullable=False)

    areas = db.relationship("Area", back_populates="edition", order_by="Area.no")
    links = db.relationship("Link", back_populates="edition", order_by="Link.no")


class Area(db.Model):
    """方面: 产品全生命周期 / 生产全过程 / 供应链全环节."""

    __tablename__ = "area"
    __table_args__ = (db.UniqueConstraint("edition_id", "no"),)
    id = db.Column(db.Integer, primary_key=True)
    edition_id = db.Column(db.ForeignKey("catalogue_edition.id"), nullable=False)
    no = db.Column(db.Integer, nullable=False)
    name = db.Column(db.String(50), nullable=False)

    edition = db.relationship("CatalogueEdition", back_populates="areas")
    links = db.relationship("Link", back_populates="area", order_by="Link.no")


class Link(db.Model):
    """环节 (e.g. 生产作业), numbered 1..16 in the 2022 guide."""

    __tablename__ = "link"
    __table_args__ = (db.UniqueConstraint("edition_id", "no"),)
    id = db.Column(db.Integer, primary_key=True)
    edition_id = db.Column(db.ForeignKey("catalogue_edition.id"), nullable=False, index=True)
    area_id = db.Column(db.ForeignKey("area.id"), nullable=False)
    no = db.Column(db.Integer, nullable=False)
    name = db.Column(db.String(50), nullable=False)
    goal = db.Column(db.Text, nullable=False, default="")

    edition = db.relationship("CatalogueEdition", back_populates="links")
    area = db.relationship("Area", back_populates="links")
    scenarios = db.relationship("Scenario", back_populates="link", order_by="Scenario.no")


class Scenario(db.Model):
    """典型场景 of a 环节, numbered 1..45 in the 2022 guide."""

    __tablename__ = "scenario"
    __table_args__ = (db.UniqueConstraint("edition_id", "no"),)
    id = db.Column(db.Integer, primary_key=True)
    edition_id = db.Column(db.ForeignKey("catalogue_edition.id"), nullable=False, index=True)
    link_id = db.Column(db.ForeignKey("link.id"), nullable=False, index=True)
    no = db.Column(db.Integer, nullable=False)
    name = db.Column(db.String(100), nullable=False)
    description = db.Column(db.Text, nullable=False, default="")

    link = db.relationship("Link", back_populates="scenarios")


class IndustrySection(db.Model):
    """门类 (A..T)."""

    __tablename__ = "industry_section"
    code = db.Column(db.String(1), primary_key=True)
    name = db.Column(db.String(100), nullable=False)


class IndustryDivision(db.Model):
    """行业大类 (two digits)."""

    __tablename__ = "industry_division"
    code = db.Column(db.String(2), primary_key=True)
    name = db.Column(db.String(100), nullable=False)
    section_code = db.Column(db.ForeignKey("industry_section.code"), nullable=False)

    groups = db.relationship("IndustryGroup", back_populates="division", order_by="IndustryGroup.code")

    @property
    def label(self) -> str:
        return f"{self.code}{self.name}"


class IndustryGroup(db.Model):
    """行业中类 (three digits); always belongs to one 大类."""

    __tablename__ = "industry_group"
    code = db.Column(db.String(3), primary_key=True)
    name = db.Column(db.String(100), nullable=False)
    division_code = db.Column(db.ForeignKey("industry_division.code"), nullable=False, index=True)

    division = db.relationship("IndustryDivision", back_populates="groups")

    @property
    def label(self) -> str:
        return f"{self.code}{self.name}"


class Prefecture(db.Model):
    """市州 of Hunan (adcode)."""

    __tablename__ = "prefecture"
    adcode = db.Column(db.String(6), primary_key=True)
    name = db.Column(db.String(50), nullable=False)

    counties = db.relationship("County", back_populates="prefecture", order_by="County.adcode")


class County(db.Model):
    """县市区 of Hunan; its prefecture decides the recommending unit."""

    __tablename__ = "county"
    adcode = db.Column(db.String(6), primary_key=True)
    name = db.Column(db.String(50), nullable=False)
    prefecture_adcode = db.Column(db.ForeignKey("prefecture.adcode"), nullable=False, index=True)

    prefecture = db.relationship("Prefecture", back_populates="counties")

    @property
    def full_name(self) -> str:
        return f"{self.prefecture.name}{self.name}"
