"""The server-rendered page: results, errors next to their fields, state in the URL."""

from __future__ import annotations

import re

from bounds.models.registry import registered
from tests._tools import require

from .running import cli_error


def test_the_acceptance_url_shows_the_budget(client) -> None:
    response = client.get("/?model=independent&epsilon=0.001&threshold=0.605&generations=500")
    assert response.status_code == 200
    html = response.text
    assert re.search(r'id="budget">N\* = 502<', html)
    assert "S(500) = 0.606378944861" in html  # 0.999**500 = 0.60637894486...
    assert "<svg" in html and "<polyline" in html
    derivation = html[html.index('<section id="derivation">'):]
    assert "<math" in derivation and "$$" not in derivation  # MathML, made on the server: no script renders it
    assert "<mn>502</mn>" in derivation
    assert "395" in html  # the any-dependence row of the comparison: floor((1 - T) / eps)
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")  # nothing fetched from elsewhere


def test_every_registered_family_has_a_form(client) -> None:
    for name in registered():
        response = client.get(f"/?model={name}")
        assert response.status_code == 200
        assert f'<input type="hidden" name="model" value="{name}">' in response.text


def test_a_bad_field_is_400_with_the_clis_message_next_to_it(client) -> None:
    response = client.get("/?model=independent&epsilon=nan&threshold=0.605")
    assert response.status_code == 400
    message = cli_error("budget", "--epsilon", "nan", "-T", "0.605").removeprefix("bounds: error: ")
    assert f'<p class="error" id="error-epsilon">{message}</p>'.replace("'", "&#39;") in response.text
    response = client.get("/?model=geometric&epsilon1=0.01&ratio=-1&threshold=0.9")
    assert response.status_code == 400
    assert 'id="error-ratio"' in response.text


def test_pdf_download(client) -> None:
    require("pdflatex")
    response = client.get("/download/derivation.pdf?model=independent&epsilon=0.001&threshold=0.605")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


def test_a_threshold_error_is_shown_at_the_threshold(client) -> None:
    response = client.get("/?model=independent&epsilon=0.001&threshold=2")
    assert response.status_code == 400
    message = cli_error("budget", "--epsilon", "0.001", "-T", "2").removeprefix("bounds: error: ")
    assert f'id="error-threshold">{message}<'.replace("'", "&#39;") in response.text
