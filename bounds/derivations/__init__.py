"""Model-specific derivation steps, one module per model family.

Each module registers extra steps for its model classes with
:func:`bounds.derive.model_steps` (a :func:`functools.singledispatch`
function) and, for result types that are not models, a derivation with
``bounds.derive.derive.register``. Adding a family is one new file here::

    # bounds/derivations/schedule.py
    from bounds.budget import Budget
    from bounds.derive import Step, chain, equation, model_steps
    from bounds.models.schedule import Geometric

    @model_steps.register
    def _geometric(model: Geometric, budget: Budget) -> list[Step]:
        return [equation("Limit", "For $r < 1$ the infinite product converges:",
                         chain("S(\\\\infty)", "(\\\\varepsilon_1; r)_\\\\infty"))]

:func:`bounds.derive.derive` imports every module of this package on first
use; a module whose model is not present in this tree (an ``ImportError`` for
a ``bounds.models`` module) is skipped, so families can land in any order.
"""
