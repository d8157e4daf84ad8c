"""``bounds describe`` and ``bounds trilemma``."""

from __future__ import annotations

import argparse
from fractions import Fraction
from typing import Any

from bounds.cli._core import Output, command
from bounds.cli._json import describe_payload, echo, with_inputs
from bounds.geometry.cone import cone_mass
from bounds.models.registry import load_spec
from bounds.models.summary import summary as model_summary
from bounds.numeric.parse import format_number


def _describe_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--spec", required=True, metavar="FILE", help="TOML file describing the model")


def _show(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{key} = {_show(item)}" for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_show(item) for item in value) + "]"
    if isinstance(value, (int, float, Fraction)) and not isinstance(value, bool):
        return format_number(value, 12)
    return str(value)


def describe_text(summary: dict[str, Any], indent: str = "") -> str:
    """One ``key  value`` line per entry; nested model summaries are indented."""
    width = max(len(key) for key in summary)
    lines = []
    for key, value in summary.items():
        if isinstance(value, dict) and "model" in value:
            lines.append(f"{indent}{key}:")
            lines.append(describe_text(value, indent + "  "))
        elif value is None and f"{key}_note" in summary:
            lines.append(f"{indent}{key:{width}}  not defined (see the note)")
        else:
            lines.append(f"{indent}{key:{width}}  {_show(value)}")
    return "\n".join(lines)


@command(
    "describe",
    "a model's summary: parameters, limit, decay rate, mean generations (or why one is not defined)",
    _describe_arguments,
)
def describe_command(args: argparse.Namespace) -> Output:
    model = load_spec(args.spec)
    summary = model_summary(model)
    return Output(describe_payload(model, summary), describe_text(summary))


def _trilemma_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--gradient", required=True, metavar="G", help="score gradient norm G > 0 at the fixed point"
    )
    parser.add_argument("--path-lipschitz", required=True, metavar="L", help="path-Lipschitz constant l > 0")
    parser.add_argument(
        "--defense-lipschitz",
        required=True,
        nargs="+",
        metavar="K",
        help="defense Lipschitz constant K > 0, or one per pipeline stage (K = K_1 K_2 ...)",
    )
    parser.add_argument("--dimension", required=True, metavar="D", help="input dimension d >= 2")
    parser.add_argument(
        "--near-mass", required=True, metavar="M", help="input mass m in [0, 1] of the linear neighbourhood"
    )
    parser.add_argument("--threshold", "-T", metavar="T", help="also report the budget cap this mass implies")


@command("trilemma", "persistent unsafe mass of the Defense Trilemma's steep cone", _trilemma_arguments)
def trilemma_command(args: argparse.Namespace) -> Output:
    stages = args.defense_lipschitz if len(args.defense_lipschitz) > 1 else args.defense_lipschitz[0]
    result = cone_mass(args.gradient, args.path_lipschitz, stages, args.dimension, args.near_mass)
    data = with_inputs(
        result.to_dict(), gradient=result.gradient, path_lipschitz=result.path_lipschitz,
        defense_lipschitz=result.defense_lipschitz, stages=list(result.stages), near_mass=result.near_mass,
    )
    lines = [
        f"cos half-angle  c = l (K + 1) / G = {format_number(result.cos_half_angle_exact, 12)}"
        + ("  (>= 1: no steep cone)" if result.cos_half_angle_exact >= 1 else ""),
        f"unsafe mass     delta = m * 1/2 I_(1-c^2)((d-1)/2, 1/2) = {format_number(result.mass, 12)}",
    ]
    if args.threshold is not None:
        cap = result.cap(args.threshold)
        data["threshold"] = echo(args.threshold)
        data["cap"] = cap.n
        data["cap_unbounded"] = cap.unbounded
        shown = "unbounded (no persistent mass)" if cap.n is None else str(cap.n)
        lines.append(
            f"budget cap      floor(ln T / ln(1 - delta)) = {shown} at T = {args.threshold} "
            f"(certified; delta rounded down, which keeps the cap valid)"
        )
    lines.append("assumptions:")
    lines.extend(f"  - {text}" for text in result.assumptions)
    lines.append("reference: Bhatt et al., The Defense Trilemma, arXiv:2604.06436")
    return Output(data, "\n".join(lines))
