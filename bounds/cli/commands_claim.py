"""``bounds claim``: check a quoted survival number at the precision its digits state."""

from __future__ import annotations

import argparse

from bounds.cli._core import Output, add_model_arguments, command, model_from_arguments
from bounds.cli._json import claim_payload
from bounds.solve.claim import check_claim


def _claim_arguments(parser: argparse.ArgumentParser) -> None:
    add_model_arguments(parser)
    parser.add_argument("--generations", "-N", required=True, metavar="N", help="the N of the claim, >= 0")
    parser.add_argument(
        "--survival", "-S", required=True, metavar="S",
        help="the quoted survival: a decimal (0.605) or a percent (60.5%%); its last digit sets the precision",
    )


@command(
    "claim",
    "check a quoted S(N) at the precision its digits state; every N and the p range that match it",
    _claim_arguments,
)
def claim_command(args: argparse.Namespace) -> Output:
    claim = check_claim(model_from_arguments(args), args.generations, args.survival)
    return Output(claim_payload(claim), str(claim))
