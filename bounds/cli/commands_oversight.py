"""``bounds oversight`` (a layer of monitors with common-cause failure) and ``bounds control`` (a control game)."""

from __future__ import annotations

import argparse
from typing import Any

from bounds.cli._core import Output, UsageError, command
from bounds.models.registry import load_spec
from bounds.numeric.parse import format_number
from bounds.oversight.model import DEPENDENCE, Oversight, OversightBudget


def _oversight_arguments(parser: argparse.ArgumentParser) -> None:
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--defect-rate", metavar="D", help="probability a generation introduces a defect")
    source.add_argument("--spec", metavar="FILE", help="TOML file with model = \"oversight\"")
    parser.add_argument("--miss", nargs="+", metavar="Q", help="miss probability of each monitor (or one for all)")
    parser.add_argument("--monitors", metavar="N", help="number of monitors (when --miss is one value)")
    parser.add_argument("--vote", metavar="K", default="1", help="monitors that must flag to stop a defect (default 1)")
    parser.add_argument("--dependence", choices=DEPENDENCE, default="independent", help="dependence of the misses")
    parser.add_argument("--beta", metavar="B", help="beta-factor: common-cause share")
    parser.add_argument("--greek", nargs="+", metavar="R", help="mgl: beta gamma delta ... (n - 1 values)")
    parser.add_argument("--alpha", nargs="+", metavar="A", help="alpha-factor: alpha_1 .. alpha_n")
    parser.add_argument("--rho", metavar="R", help="exchangeable: correlation of the misses")
    parser.add_argument("--threshold", "-T", required=True, metavar="T", help="lowest acceptable survival, in (0, 1]")


def oversight_model(args: argparse.Namespace) -> Oversight:
    """The :class:`Oversight` the options (or ``--spec``) describe."""
    if args.spec is not None:
        given = [flag for flag in ("miss", "monitors", "beta", "greek", "alpha", "rho") if getattr(args, flag)]
        if given or args.vote != "1" or args.dependence != "independent":
            extra = given[0] if given else ("vote" if args.vote != "1" else "dependence")
            raise UsageError(f"bounds oversight: --spec describes the whole layer; drop --{extra}")
        model = load_spec(args.spec)
        if not isinstance(model, Oversight):
            raise UsageError(f"bounds oversight: the spec must have model = \"oversight\", got {model.name!r}")
        return model
    if not args.miss:
        raise UsageError("bounds oversight: --miss is required (one value per monitor, or one with --monitors)")
    return Oversight(
        args.defect_rate, args.miss, args.vote, args.dependence, args.monitors, args.beta, args.greek, args.alpha,
        args.rho,
    )


def _value(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


@command("oversight", "budget when defects must pass a layer of monitors that share blind spots", _oversight_arguments)
def oversight_command(args: argparse.Namespace) -> Output:
    model = oversight_model(args)
    result = model.budget_interval(args.threshold) if model.dependence == "any" else model.budget(args.threshold)
    data: dict[str, Any] = {**model.parameters(), "layer_miss": _value(model.layer_miss)}
    if not model.wrapped:
        data["epsilon"] = _value(model.epsilon)
    if model.effective_monitors is not None:
        data["effective_monitors"] = model.effective_monitors
    lines = [f"model       {model!r}"]
    miss = model.layer_miss
    if isinstance(result, OversightBudget):
        low, high = miss  # type: ignore[misc]
        lines.append(f"layer miss  M in [{format_number(low)}, {format_number(high)}]"
                     + (" (sharp)" if model.miss_range.sharp else " (proved bounds)"))
        data.update(result.to_dict())
        data.update(threshold=result.guaranteed.threshold, model="oversight")
        lines.append(f"budget      {result}")
    else:
        lines.append(f"layer miss  M = {format_number(miss)}")
        if not model.wrapped:
            lines.append(f"epsilon     d M = {format_number(model.epsilon)}")
        budget = result.to_dict()
        data.update({key: budget[key] for key in (
            "threshold", "budget", "unbounded", "survival_at_budget", "survival_after_budget", "certified",
            "certificate", "certificate_bits")})
        lines.append("budget      " + ("unbounded" if result.n is None else f"N* = {result.n}")
                     + f"  (certified by {result.certificate_text})")
    if model.effective_monitors is not None:
        lines.append(f"effective monitors  n / (1 + (n - 1) rho) = {format_number(model.effective_monitors)}")
    return Output(data, "\n".join(lines))


def _control_arguments(parser: argparse.ArgumentParser) -> None:
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--roc", nargs=2, metavar=("A", "B"), help="logit-linear ROC: logit TPR = A + B logit FPR")
    source.add_argument("--roc-points", nargs="+", metavar="FPR,TPR", help="piecewise-linear ROC points 'fpr,tpr'")
    source.add_argument("--spec", metavar="FILE", help="TOML file with model = \"control\"")
    parser.add_argument("--attack-success", metavar="S", help="probability an uncaught attack succeeds")
    parser.add_argument("--auditor-accuracy", metavar="H", help="probability an audit catches a flagged attack")
    parser.add_argument("--audit-budget", metavar="F", help="audit budget = the monitor's false-positive rate")
    parser.add_argument("--attack-rate", metavar="P", help="attack probability per generation (default 1, the worst)")
    parser.add_argument("--epsilon", metavar="E", help="alignment loss per generation before the game (optional)")
    parser.add_argument("--threshold", "-T", required=True, metavar="T", help="lowest acceptable survival, in (0, 1]")
    parser.add_argument("--generations", "-N", metavar="N", help="also report S(N) and the minimal audit budget")


def control_model(args: argparse.Namespace) -> Any:
    """The :class:`ControlGame` the options (or ``--spec``) describe."""
    from bounds.oversight.control import ControlGame

    flags = ("attack_success", "auditor_accuracy", "audit_budget", "attack_rate", "epsilon")
    if args.spec is not None:
        given = [flag for flag in flags if getattr(args, flag) is not None]
        if given:
            raise UsageError(f"bounds control: --spec describes the whole game; drop --{given[0].replace('_', '-')}")
        model = load_spec(args.spec)
        if not isinstance(model, ControlGame):
            raise UsageError(f"bounds control: the spec must have model = \"control\", got {model.name!r}")
        return model
    missing = [flag for flag in flags[:3] if getattr(args, flag) is None]
    if missing:
        raise UsageError(f"bounds control: --{missing[0].replace('_', '-')} is required")
    points = None
    if args.roc_points is not None:
        points = []
        for item in args.roc_points:
            parts = item.split(",")
            if len(parts) != 2:
                raise UsageError(f"bounds control: --roc-points takes 'fpr,tpr' pairs, got {item!r}")
            points.append((parts[0], parts[1]))
    return ControlGame(
        args.attack_success, args.auditor_accuracy, args.audit_budget, args.roc, points, args.attack_rate,
        args.epsilon,
    )


@command("control", "budget of a control game: attacks, a monitor's ROC, an audit budget", _control_arguments)
def control_command(args: argparse.Namespace) -> Output:
    from bounds.numeric.parse import generations as as_generations

    model = control_model(args)
    result = model.budget(args.threshold)
    budget = result.to_dict()
    data: dict[str, Any] = {**model.parameters(), **{key: budget[key] for key in (
        "model", "threshold", "budget", "unbounded", "survival_at_budget", "survival_after_budget", "certified",
        "certificate", "certificate_bits")}, "limit": model.limit()}
    lines = [f"model      {model!r}", "budget     " + ("unbounded" if result.n is None else f"N* = {result.n}")
             + f"  (certified by {result.certificate_text})", f"S(inf)     c / (c + l) = {model.limit():.12g}"]
    if args.generations is not None:
        count = as_generations(args.generations, "--generations")
        data["generations"] = count
        data["safety"] = float(model.survival(count))
        inverse = model.min_audit_budget(count, args.threshold)
        data["min_audit_budget"] = None if inverse is None else inverse.audit_budget
        lines.append(f"safety     S({count}) = {data['safety']:.12g}")
        if inverse is None:
            lines.append("min audit  none: even f = 1 does not hold N generations at T")
        elif inverse.below is None:
            lines.append("min audit  f = 0: N generations hold at T without audits")
        else:
            lines.append(f"min audit  f = {inverse.audit_budget!r} (S(N) >= T proved; refuted at {inverse.below!r})")
    return Output(data, "\n".join(lines))


def compare_arguments(parser: argparse.ArgumentParser) -> None:
    """The options ``bounds compare`` takes for its oversight and control rows (``bounds.report.compare``)."""
    layer = parser.add_argument_group("oversight rows (the marginal rate is the defect rate each monitor must catch)")
    layer.add_argument("--miss", nargs="+", metavar="Q", help="miss probability of each monitor (or one for all)")
    layer.add_argument("--monitors", metavar="N", help="number of monitors (when --miss is one value)")
    layer.add_argument("--vote", metavar="K", help="monitors that must flag to stop a defect (default 1)")
    layer.add_argument("--monitor-beta", metavar="B", help="adds the beta-factor row: common-cause share")
    layer.add_argument("--monitor-rho", metavar="R", help="adds the shared-difficulty row: correlation of the misses")
    game = parser.add_argument_group("control rows (the marginal rate is the rate at which alignment is lost)")
    game.add_argument("--audit-budget", metavar="F", help="share of work audited (the monitor's FPR)")
    game.add_argument("--roc", nargs=2, metavar=("A", "B"), help="logit TPR = A + B logit FPR")
    game.add_argument("--attack-success", metavar="S", help="probability an uncaught attack succeeds")
    game.add_argument("--auditor-accuracy", metavar="H", help="probability an audit catches a flagged attack")
    game.add_argument("--attack-rate", metavar="P", help="probability a misaligned model attacks per generation")
