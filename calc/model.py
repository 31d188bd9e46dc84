"""Small records passed between the API and the payer steps."""
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Optional

from .money import ZERO


@dataclass(frozen=True)
class Stay:
    total: Decimal
    out_of_policy: Optional[Decimal]   # None = unknown: a disclosed typical share is assumed
    level: str
    place: str
    referral: bool = False             # 规范转诊
    transferred: bool = False          # transferred from the previous stay (连续计算起付线)
    hospital_waiver: Decimal = ZERO
    tehuibao: Decimal = ZERO
    slip: tuple = ()                   # what the settlement slip says: ((key, amount), ...) (calc.slip)


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
    chronic: Decimal = ZERO
    special_drugs: Decimal = ZERO


@dataclass
class StayCalc:
    """One stay as it is settled, payer by payer (the steps fill it in order)."""
    index: int
    stay: Stay
    total: Decimal = ZERO
    out_of_policy: Decimal = ZERO
    in_policy: Decimal = ZERO
    oop_assumed: bool = False
    hospital_bears: Decimal = ZERO
    deductible: Decimal = ZERO          # the deductible this stay actually paid
    deductible_params: tuple = ()       # the parameters that set it (a step stating it lists them)
    crit_below: Decimal = ZERO          # self-pay of this stay below the person's 大病 threshold
    crit_excluded: Decimal = ZERO       # the deductible kept out of 大病 (counted below the threshold)
    crit_params: tuple = ()             # the parameters that set the person's 大病 threshold
    basic: Decimal = ZERO
    critical: Decimal = ZERO
    assistance: Decimal = ZERO          # in-policy assistance
    oop_assistance: Decimal = ZERO      # assistance on out-of-policy cost (YC-OOP-2)
    tilt: Decimal = ZERO
    re_assistance: Decimal = ZERO
    other: Decimal = ZERO
    other_in_policy: Decimal = ZERO
    resident: Decimal = ZERO
    admission_payment: Optional[Decimal] = None

    @property
    def oop_resident(self):
        """Out-of-policy cost left to the patient after the hospital's share."""
        return self.out_of_policy - self.hospital_bears

    @property
    def in_policy_left(self):
        """In-policy cost not yet paid by anyone."""
        return (self.in_policy - self.basic - self.critical - self.assistance - self.tilt
                - self.re_assistance - self.other_in_policy)


@dataclass
class YearState:
    """Yearly accumulators: they carry across stays in input order, then outpatient care."""
    basic_used: Decimal = ZERO
    crit_base: Decimal = ZERO
    crit_paid: Decimal = ZERO
    drugs_paid: Decimal = ZERO
    assist_base: Decimal = ZERO
    assist_paid: Decimal = ZERO
    tilt_base: Decimal = ZERO
    re_base: Decimal = ZERO
    re_paid: Decimal = ZERO
    self136: Decimal = ZERO
    prev_deductible: Optional[Decimal] = None
    prev_deductible_params: tuple = ()


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
    tier: str
    stay: Optional[int]
    text: str
    amount: Decimal
    rule: Optional[str] = None
    cite: str = ""
    basis: str = "document"
    figures: list = field(default_factory=list)
    readings: list = field(default_factory=list)   # how ambiguous clauses were read, where it matters
