"""``bounds derive`` for the oversight layer and the control game: the family steps carry the API's numbers."""

from __future__ import annotations

import bounds
from bounds.oversight import ControlGame, Oversight


def test_oversight_derivation_shows_the_layer_and_rate() -> None:
    model = Oversight("0.01", "0.1", monitors=3, dependence="beta-factor", beta="0.5")
    text = bounds.derive(model.budget("0.9"), digits=10).to_markdown()
    assert "**Layer.**" in text and "M &= 0.05011875" in text
    assert "0.0005011875" in text  # epsilon = d M, exactly (10 figures show it)
    assert "0.000501188" in bounds.derive(model.budget("0.9"), digits=6).to_markdown()  # 6 figures, half-even
    assert "N^* = 210" in text


def test_exchangeable_derivation_shows_effective_monitors() -> None:
    model = Oversight("0.01", "0.1", monitors=3, dependence="exchangeable", rho="0.5")
    text = bounds.derive(model.budget("0.9")).to_markdown()
    assert "Effective monitors" in text and "1.5" in text


def test_control_derivation_shows_the_game() -> None:
    game = ControlGame("0.5", "0.9", "0.05", roc=(3, 1), attack_rate="0.01")
    text = bounds.derive(game.budget("0.7")).to_markdown()
    assert "**ROC.**" in text and "0.513887" in text
    assert "**Per attack.**" in text and "0.632477" in text
    assert "230" in text


def test_derive_cli_spec(tmp_path, capsys) -> None:
    from bounds.cli import main

    spec = tmp_path / "layer.toml"
    spec.write_text('model = "oversight"\ndefect_rate = "0.01"\nmiss = "0.1"\nmonitors = 3\n')
    assert main(["derive", "--spec", str(spec), "--threshold", "0.9", "--format", "markdown"]) == 0
    out = capsys.readouterr().out
    assert "M &= 0.001" in out and "10535" in out
