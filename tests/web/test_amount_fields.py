"""Staff's amount fields show a number the way the interface writes it (a decimal comma in French) and read
it back either way."""

from __future__ import annotations

from decimal import Decimal

import pytest
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict

from marketplace.web.forms import MoneyField, PercentField


class _Form(FlaskForm):
    class Meta:
        csrf = False

    price = MoneyField()
    rate = PercentField()


@pytest.mark.parametrize("lang,price,rate", [("fr", "1250,50", "12,5"), ("en", "1250.50", "12.5")])
def test_a_stored_amount_is_shown_in_the_interfaces_language(app, lang, price, rate):
    with app.test_request_context(headers={"Accept-Language": lang}):
        form = _Form(formdata=None, price=Decimal("1250.5"), rate=Decimal("12.50"))
        assert form.price._value() == price and form.rate._value() == rate
        whole = _Form(formdata=None, price=Decimal("30"), rate=Decimal("50.00"))
        assert whole.price._value() == ("30,00" if lang == "fr" else "30.00") and whole.rate._value() == "50"


def test_what_staff_typed_is_shown_back_as_typed_and_read_either_way(app):
    with app.test_request_context():
        form = _Form(formdata=MultiDict({"price": "1 250,50", "rate": "2.5"}))
        assert form.validate()
        assert (form.price.cents, form.rate.bps) == (125_050, 250)
        assert form.price._value() == "1 250,50"
