"""French territories: regions, départements, communes and their postcodes (INSEE COG)."""

from __future__ import annotations

from sqlalchemy import Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base


class Region(Base):
    __tablename__ = "region"
    code: Mapped[str] = mapped_column(String(3), primary_key=True)
    name: Mapped[str] = mapped_column(String(80))


class Departement(Base):
    __tablename__ = "departement"
    code: Mapped[str] = mapped_column(String(3), primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    region: Mapped[Region] = relationship()


class Commune(Base):
    __tablename__ = "commune"
    code_insee: Mapped[str] = mapped_column(String(5), primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    # Lower-case, accents stripped, hyphens as spaces: what autocompletion searches.
    search_name: Mapped[str] = mapped_column(String(80), index=True)
    departement_code: Mapped[str] = mapped_column(ForeignKey("departement.code"), index=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    population: Mapped[int] = mapped_column(Integer, default=0)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    departement: Mapped[Departement] = relationship()
    postcodes: Mapped[list[Postcode]] = relationship(back_populates="commune", order_by="Postcode.code")

    @property
    def label(self) -> str:
        codes = ", ".join(p.code for p in self.postcodes[:3])
        return f"{self.name} ({codes})" if codes else f"{self.name} ({self.departement_code})"


class Postcode(Base):
    __tablename__ = "postcode"
    __table_args__ = (UniqueConstraint("code", "commune_code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(5), index=True)
    commune_code: Mapped[str] = mapped_column(ForeignKey("commune.code_insee"), index=True)
    commune: Mapped[Commune] = relationship(back_populates="postcodes")


Index("ix_commune_population", Commune.population.desc())
