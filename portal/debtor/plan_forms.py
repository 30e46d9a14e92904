"""The debtor's plan forms: the proposal (with its optional budget), and the answers."""

import datetime as dt

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from portal.domain import schedule
from portal.domain.factors import parse_date_of_birth
from portal.domain.money import InvalidAmount, TooManyDecimals, parse_amount
from portal.domain.plan_states import Frequency
from portal.labels import FREQUENCY_LABELS
from portal.services.plans.decide import Request

# The first payment may not be set further ahead than this, whatever the policy.
FIRST_DUE_MAX_DAYS = 365


class PlanForm(FlaskForm):
    """A count or an amount per instalment, how often, from when; and an optional budget."""

    mode = RadioField(
        _l("How do you want to split the amount?"),
        choices=[
            SelectChoice("count", _l("In a number of instalments")),
            SelectChoice("amount", _l("By an amount per instalment")),
        ],
        default="count",
    )
    count = StringField(_l("Number of instalments"), validators=[Optional(), Length(max=10)])
    amount = StringField(
        _l("Amount per instalment"),
        validators=[Optional(), Length(max=20)],
        description=_l("For example 50 or 49,90."),
    )
    frequency = RadioField(
        _l("How often"),
        choices=[SelectChoice(f.value, FREQUENCY_LABELS[f.value]) for f in Frequency],
        default=Frequency.MONTHLY.value,
    )
    first_due_on = StringField(
        _l("Date of the first payment"),
        validators=[Length(max=20)],
        description=_l("Write it as DD/MM/YYYY."),
    )
    income = StringField(_l("Monthly income"), validators=[Optional(), Length(max=20)])
    expenses = StringField(
        _l("Monthly expenses (rent, bills, loans, food)"), validators=[Optional(), Length(max=20)]
    )
    consent = BooleanField(_l("I have read this agreement and I accept it."))
    # Set only by "use this plan" when the policy asks for a larger first payment (minor units).
    first_amount = HiddenField(validators=[Optional(), Length(max=20)])

    def plan_request(self, currency: str, today: dt.date, balance: int) -> Request | None:
        """The request, or None with a translated error on each faulty field."""
        ok = True
        try:
            frequency = Frequency(self.frequency.data)
        except ValueError:
            self.frequency.errors[:] = [_l("Choose how often you pay.")]
            ok = False
        first = parse_date_of_birth(self.first_due_on.data or "")
        if first is None:
            self.first_due_on.errors.append(_l("Enter a date as DD/MM/YYYY."))
            ok = False
        elif first < today:
            self.first_due_on.errors.append(_l("The first payment cannot be in the past."))
            ok = False
        elif (first - today).days > FIRST_DUE_MAX_DAYS:
            self.first_due_on.errors.append(
                _l("The first payment must be within a year from today.")
            )
            ok = False
        count = amount = None
        if self.mode.data == "amount":
            amount = self._amount(self.amount, currency)
            if amount is not None and amount > balance:
                self.amount.errors.append(_l("This is more than what you owe."))
                amount = None
            elif amount is not None and schedule.count_for_amount(balance, amount) > (
                schedule.MAX_INSTALMENTS
            ):
                self.amount.errors.append(
                    _l(
                        "This amount is too small: a plan has at most %(max)s instalments.",
                        max=schedule.MAX_INSTALMENTS,
                    )
                )
                amount = None
            ok = ok and amount is not None
        else:
            count = self._count(balance)
            ok = ok and count is not None
        if not ok:
            return None
        down = (self.first_amount.data or "").strip()
        first_amount = int(down) if down.isdigit() and count and 0 < int(down) < balance else None
        return Request(frequency, first, count=count, amount=amount, first_amount=first_amount)

    def _count(self, balance: int) -> int | None:
        text = (self.count.data or "").strip()
        if not text.lstrip("-").isdigit():
            self.count.errors.append(_l("Enter a whole number of instalments, for example 6."))
            return None
        count = int(text)
        if count < 1:
            self.count.errors.append(_l("Enter at least 1 instalment."))
        elif count > schedule.MAX_INSTALMENTS:
            self.count.errors.append(
                _l("A plan has at most %(max)s instalments.", max=schedule.MAX_INSTALMENTS)
            )
        elif count > balance:
            self.count.errors.append(_l("Too many instalments for this amount."))
        else:
            return count
        return None

    @staticmethod
    def _amount(field, currency: str, allow_zero: bool = False) -> int | None:
        text = (field.data or "").strip()
        if not text:
            field.errors.append(_l("Enter an amount, for example 50 or 49,90."))
            return None
        try:
            value = parse_amount(text, currency)
        except TooManyDecimals:
            field.errors.append(_l("An amount has at most two decimals, for example 49,90."))
            return None
        except InvalidAmount:
            field.errors.append(_l("Enter an amount with digits only, for example 1 234,56."))
            return None
        if value < 0 or (value == 0 and not allow_zero):
            field.errors.append(_l("Enter an amount above zero."))
            return None
        return value

    def budget(self, currency: str) -> tuple[int, int] | None:
        """The monthly (income, expenses) if both are given and valid, else None."""
        if not (self.income.data or "").strip() and not (self.expenses.data or "").strip():
            return None
        income = self._amount(self.income, currency, allow_zero=True)
        expenses = self._amount(self.expenses, currency, allow_zero=True)
        if income is None or expenses is None:
            return None
        return income, expenses


class ConsentForm(FlaskForm):
    """Accept a counter-offer (consent required) or decline it."""

    consent = BooleanField(_l("I have read this agreement and I accept it."))


class EmptyForm(FlaskForm):
    """A button only (withdraw), protected by the CSRF token."""
