r"""Model-specific derivations, one module per model family or result type.

A family registers up to two things:

* its **presentation** with :func:`bounds.report.presentation.present` (a
  :func:`functools.singledispatch` function): the assumptions in prose with
  ``$...$`` math, the inputs as the user gave them, the derived parameters, the
  survival ``S(N) = symbolic = substituted`` (broken into rows that fit), the
  substitution at ``N`` for the certificate, and the references;
* extra **steps** with :func:`bounds.report.derive.model_steps`, inserted between
  the budget definition and the certificate::

    # bounds/report/derivations/schedules.py
    from bounds.numeric.certify import evaluate
    from bounds.report.derive import Step, chain, current_digits, equation, model_steps
    from bounds.report.latex import latex_number
    from bounds.models.schedule import Geometric

    @model_steps.register
    def _geometric(model: Geometric, budget: Budget) -> list[Step]:
        limit = evaluate(model.log_limit, current_digits())  # the kernel's ball, as the certificate
        return [equation("Limit", "For $r < 1$ the infinite product converges (q-Pochhammer):",
                         chain(r"S(\infty)", r"(\varepsilon_1; r)_\infty", latex_number(limit, current_digits())))]

A result that is not a model (dependence-free intervals, evidence, comparisons)
registers its whole derivation on :func:`bounds.report.derive.derive` and builds
it from the generic steps; :func:`~bounds.report.derive.derive` adds the
provenance line (version, call or command, date)::

    from bounds.report.derive import Derivation, assumption, chain, derive, equation, result

    @derive.register
    def _interval(subject: SurvivalInterval, threshold=None, *, digits=6) -> Derivation:
        steps = [assumption("Only the marginal rates are known."),
                 equation("Bound", "Boole's inequality:", chain("S(N)", (r"\ge", r"1 - S_1"))),
                 result("Result", "The survival interval:", chain("S(N)", (r"\in", "[...]")))]
        return Derivation.from_steps("Survival interval", steps, {"low": subject.low}, subject,
                                     references=("D. A. Dawson and D. Sankoff (1967).",))

:func:`bounds.report.derive.derive` imports every module of this package on first
use; a module whose model is not present in this tree (an ``ImportError`` for
a ``bounds.models`` module) is skipped, so families can land in any order.
Numbers shown must be the API's numbers: format inputs with
:func:`bounds.report.latex.latex_number` (exactly) and computed values with
``latex_number(value, digits)`` (``digits`` from the signature or
:func:`~bounds.report.derive.current_digits`); take survivals and limits from the
result or from :func:`bounds.numeric.certify.evaluate` of the model's ball
``log_survival``/``log_limit``, never from display-only float or mpmath paths.
"""
