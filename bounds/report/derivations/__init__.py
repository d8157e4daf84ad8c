r"""Model-specific derivation steps, one module per model family.

Each module registers extra steps for its model classes with
:func:`bounds.report.derive.model_steps` (a :func:`functools.singledispatch`
function); the steps are inserted between the budget definition and the
certificate. Adding a family is one new file here::

    # bounds/report/derivations/schedule.py
    from bounds.solve.budget import Budget
    from bounds.report.derive import Step, chain, equation, model_steps
    from bounds.report.latex import latex_number
    from bounds.models.schedule import Geometric

    @model_steps.register
    def _geometric(model: Geometric, budget: Budget) -> list[Step]:
        limit = model.limit_mp(30)
        return [equation("Limit", "For $r < 1$ the infinite product converges (q-Pochhammer):",
                         chain(r"S(\infty)", r"(\varepsilon_1; r)_\infty", latex_number(limit)))]

A result that is not a model (dependence-free intervals, evidence) registers
its whole derivation on :func:`bounds.report.derive.derive` and builds it from the
generic steps::

    from bounds.report.derive import Derivation, assumption, chain, derive, equation, result

    @derive.register
    def _interval(subject: SurvivalInterval, threshold=None, *, digits=6) -> Derivation:
        steps = [assumption("Only the marginal rates are known."),
                 equation("Bound", "Boole's inequality:", chain("S(N)", (r"\ge", r"1 - S_1"))),
                 result("Result", "The survival interval:", chain("S(N)", (r"\in", "[...]")))]
        return Derivation.from_steps("Survival interval", steps, {"low": subject.low}, subject)

:func:`bounds.report.derive.derive` imports every module of this package on first
use; a module whose model is not present in this tree (an ``ImportError`` for
a ``bounds.models`` module) is skipped, so families can land in any order.
Numbers shown must be the API's numbers: format them with
:func:`bounds.report.latex.latex_number` (exact rationals exactly, reals with
significant figures), :func:`bounds.report.latex.display_integer` and
:func:`bounds.report.derive.shown_survival`.
"""
