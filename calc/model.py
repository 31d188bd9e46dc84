"""Small frozen records passed between the API and the tiers."""
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Optional


@dataclass(frozen=True)
class Stay:
    total: Decimal
    out_of_policy: Decimal
    level: str
    place: str
    referral: bool
    hospital_waiver: Decimal = Decimal("0")
    tehuibao: Decimal = Decimal("0")


@dataclass(frozen=True)
class Person:
    region: str
    year: int
    identities: tuple
    scheme: str = "resident"
    tier: int = 1
    wage: Optional[Decimal] = None
    newborn: bool = False


@dataclass(frozen=True)
class CareYear:
    stays: tuple
    chronic: Decimal = Decimal("0")
    special_drugs: Decimal = Decimal("0")


@dataclass(frozen=True)
class Figure:
    param: str
    label: str
    value: str
    display: str
    provenance: str
    cite: str


@dataclass
class Step:
    rule: str
    tier: str
    stay: Optional[int]
    text: str
    amount: Decimal
    figures: list = field(default_factory=list)
