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
    result = model.budget(args.threshold)
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
