"""The parties: the collecting agency, creditors and debtors."""

import datetime as dt

from sqlalchemy import CheckConstraint, Date, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.domain.factors import FactorKind
from portal.domain.ledger import DebtorKind
from portal.models.base import Base, UTCDateTime, str_enum, utcnow


class PostalAddressMixin:
    """A postal address, as printed on letters."""

    address_line1: Mapped[str] = mapped_column(String(200))
    address_line2: Mapped[str | None] = mapped_column(String(200))
    postcode: Mapped[str] = mapped_column(String(20))
    city: Mapped[str] = mapped_column(String(100))
    country: Mapped[str] = mapped_column(String(2), default="FR")

    @property
    def address_lines(self) -> list[str]:
        """The address as the lines of an envelope."""
        lines = [self.address_line1, self.address_line2, f"{self.postcode} {self.city}"]
        if self.country != "FR":
            lines.append(self.country)
        return [line for line in lines if line]


class Agency(PostalAddressMixin, Base):
    """The collecting agency running this installation; shown on every notice."""

    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    legal_name: Mapped[str] = mapped_column(String(200))
    siren: Mapped[str | None] = mapped_column(String(9))
    email: Mapped[str] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    iban: Mapped[str | None] = mapped_column(String(34))
    bic: Mapped[str | None] = mapped_column(String(11))
    singleton: Mapped[bool] = mapped_column(default=True, unique=True)

    __table_args__ = (CheckConstraint("singleton", name="one_agency"),)


class Creditor(PostalAddressMixin, Base):
    """A creditor placing cases, with its identity and policies."""

    __tablename__ = "creditors"

    id: Mapped[int] = mapped_column(primary_key=True)
    legal_name: Mapped[str] = mapped_column(String(200))
    siren: Mapped[str | None] = mapped_column(String(9), unique=True)
    vat_number: Mapped[str | None] = mapped_column(String(20))
    contact_email: Mapped[str] = mapped_column(String(254))
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    verification_factor: Mapped[FactorKind] = mapped_column(
        str_enum(FactorKind, "verification_factor"), default=FactorKind.POSTCODE
    )
    # The agency's commission on what it collects, in basis points (1,250 = 12.5 %).
    commission_rate_bp: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    cases: Mapped[list["Case"]] = relationship(back_populates="creditor")  # noqa: F821

    __table_args__ = (
        CheckConstraint("length(currency) = 3", name="currency_code"),
        CheckConstraint(
            "commission_rate_bp >= 0 AND commission_rate_bp <= 10000", name="commission_rate"
        ),
    )


class Debtor(PostalAddressMixin, Base):
    """A person or a company that owes money on one or more cases."""

    __tablename__ = "debtors"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[DebtorKind] = mapped_column(str_enum(DebtorKind, "debtor_kind"))
    first_name: Mapped[str | None] = mapped_column(String(100))
    last_name: Mapped[str | None] = mapped_column(String(100))
    company_name: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    date_of_birth: Mapped[dt.date | None] = mapped_column(Date)
    language: Mapped[str | None] = mapped_column(String(5))
    notes: Mapped[str | None] = mapped_column(Text)

    cases: Mapped[list["Case"]] = relationship(back_populates="debtor")  # noqa: F821

    __table_args__ = (
        CheckConstraint(
            "(kind = 'professional' AND company_name IS NOT NULL)"
            " OR (kind = 'consumer' AND last_name IS NOT NULL)",
            name="named",
        ),
    )

    @property
    def display_name(self) -> str:
        """The name to address the debtor by."""
        if self.kind == DebtorKind.PROFESSIONAL:
            return self.company_name or ""
        return " ".join(part for part in (self.first_name, self.last_name) if part)
