"""Key figures read back from the lines of an entry."""

from .checks import InvalidValue
from .entry import Entry
from .kinds import (
    BYPRODUCT,
    CLEARING,
    CONVERSION,
    FINISHED,
    MATERIAL,
    OUTPUT,
    PRODUCTION_VARIANCE,
    ROUNDING,
    USAGE_VARIANCE,
)
from .values import CompletionSummary


def summarize(entry: Entry) -> CompletionSummary:
    """The key figures of ``entry``, computed from its lines alone.

    finished_value is the finished goods line, or the output line when there is none;
    material_actual is minus the material and clearing lines; material_standard is
    material_actual minus the usage variance.

    This gives back the summary of completion_entry for the triggers 'completion' and
    'completion_only', and that of shipment_entry.  A 'shipment' completion holds only
    the deviations, so its summary here has material_actual = usage_variance (the RIP
    deviation) and material_standard = 0, unlike CompletionResult.summary.  For a
    reversal (costing.reversal) every figure comes out negated.
    """
    if not isinstance(entry, Entry):
        raise InvalidValue(f"entry must be an Entry, got {type(entry).__name__}")
    finished_value = (
        entry.amount_of(FINISHED) if entry.lines_of(FINISHED) else entry.amount_of(OUTPUT)
    )
    material_actual = -(entry.amount_of(MATERIAL) + entry.amount_of(CLEARING))
    usage_variance = entry.amount_of(USAGE_VARIANCE)
    return CompletionSummary(
        finished_value=finished_value,
        material_standard=material_actual - usage_variance,
        material_actual=material_actual,
        conversion_standard=-entry.amount_of(CONVERSION),
        usage_variance=usage_variance,
        byproduct_value=entry.amount_of(BYPRODUCT),
        production_variance=entry.amount_of(PRODUCTION_VARIANCE),
        rounding=entry.amount_of(ROUNDING),
    )
