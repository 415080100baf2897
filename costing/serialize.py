"""Costing values as plain JSON data, and back.

A posting that cannot be made when its event happens (missing configuration) is queued:
the costing value of the event (a Completion, Scrap or Shipment, with its standards and
quantities as of the event) is stored as JSON and posted later exactly as it would have
been. Only the core's own frozen dataclasses, Decimals, tuples, dicts and plain scalars
are written; anything else is refused.
"""

import dataclasses
import datetime
from decimal import Decimal
from types import MappingProxyType

from .checks import InvalidValue
from .rework import Rework, ReworkPart
from .scrap import Scrap, ScrappedComponent, ScrappedFinished
from .shipment import Shipment, ShipmentAccounts
from .values import (
    Bom,
    BomLine,
    ByProduct,
    Completion,
    CompletionAccounts,
    ComponentStandard,
    Consumption,
    Operation,
    UnitStandard,
)

VALUE_TYPES = {
    cls.__name__: cls
    for cls in (
        Bom,
        BomLine,
        ByProduct,
        Completion,
        CompletionAccounts,
        ComponentStandard,
        Consumption,
        Operation,
        Rework,
        ReworkPart,
        Scrap,
        ScrappedComponent,
        ScrappedFinished,
        Shipment,
        ShipmentAccounts,
        UnitStandard,
    )
}


def to_data(value):
    """``value`` as JSON-compatible data (lists, dicts, strings, numbers, None)."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, Decimal):
        return {"decimal": str(value)}
    if isinstance(value, datetime.date):
        return {"date": value.isoformat()}
    if isinstance(value, (tuple, list)):
        return [to_data(item) for item in value]
    if isinstance(value, (dict, MappingProxyType)):
        return {"mapping": [[to_data(key), to_data(item)] for key, item in value.items()]}
    name = type(value).__name__
    if dataclasses.is_dataclass(value) and VALUE_TYPES.get(name) is type(value):
        fields = {
            field.name: to_data(getattr(value, field.name)) for field in dataclasses.fields(value)
        }
        return {"value": name, "fields": fields}
    raise InvalidValue(f"cannot store a {name} in a queued posting")


def from_data(data):
    """The value ``to_data`` gave ``data`` for, rebuilt (and checked) anew."""
    if data is None or isinstance(data, (bool, int, str)):
        return data
    if isinstance(data, list):
        return tuple(from_data(item) for item in data)
    if not isinstance(data, dict):
        raise InvalidValue(f"not stored costing data: {data!r}")
    if "decimal" in data:
        return Decimal(data["decimal"])
    if "date" in data:
        return datetime.date.fromisoformat(data["date"])
    if "mapping" in data:
        return {from_data(key): from_data(item) for key, item in data["mapping"]}
    if data.get("value") in VALUE_TYPES:
        fields = {name: from_data(item) for name, item in data["fields"].items()}
        return VALUE_TYPES[data["value"]](**fields)
    raise InvalidValue(f"not stored costing data: {data!r}")
