"""Calendar time: cadences (when each generation completes) and timeline queries for any model."""

from bounds.timeline.cadence import (
    Cadence,
    ConstantCadence,
    DoublingCadence,
    ExplicitCadence,
    GeometricCadence,
    read_intervals,
)

__all__ = [
    "Cadence",
    "ConstantCadence",
    "DoublingCadence",
    "ExplicitCadence",
    "GeometricCadence",
    "read_intervals",
]
from bounds.timeline.query import (  # noqa: E402
    AlignedProbability,
    Horizon,
    StartDistribution,
    aligned_probability,
    format_month,
    horizon,
    parse_month,
    survival_at,
)

__all__ += [
    "AlignedProbability",
    "Horizon",
    "StartDistribution",
    "aligned_probability",
    "format_month",
    "horizon",
    "parse_month",
    "survival_at",
]
