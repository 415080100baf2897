"""The one table of the accounts each backflush trigger needs (costing.readiness)."""

import pytest

from costing import (
    CLEARING,
    CONVERSION,
    PRODUCTION_VARIANCE,
    SCRAP_VARIANCE,
    USAGE_VARIANCE,
    InvalidValue,
)
from costing.readiness import required_accounts


def test_no_trigger_needs_no_backflush_account():
    assert required_accounts("none") == ()
    assert required_accounts(None) == ()
    assert required_accounts(False) == ()


@pytest.mark.parametrize("trigger", ["completion", "shipment", "completion_only"])
def test_every_trigger_needs_scrap_variance_before_its_first_completion(trigger):
    # Odoo's Scrap button is on every order: a category that could complete but not scrap
    # would queue the first scrap; the form and the posting path ask for it up front.
    assert {CONVERSION, USAGE_VARIANCE, SCRAP_VARIANCE, PRODUCTION_VARIANCE} <= set(
        required_accounts(trigger)
    )


def test_only_completion_only_needs_the_clearing_account():
    assert CLEARING in required_accounts("completion_only")
    assert CLEARING not in required_accounts("completion")
    assert CLEARING not in required_accounts("shipment")


def test_an_unknown_trigger_is_refused():
    with pytest.raises(InvalidValue, match="unknown backflush trigger 'weekly'"):
        required_accounts("weekly")
