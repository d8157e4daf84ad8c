"""The JSON API through the framework's test client, against the CLI run in this process.

The truth for every shape is the CLI itself (``bounds <command> --json``): the API must mirror it
byte for byte, errors included. Budgets are also checked against DESIGN's published values.
"""

from __future__ import annotations

import json
import tomllib

import pytest

from bounds.models.registry import model_from_spec, registered
from bounds.web.app import MAX_BODY, MAX_QUERY
from tests.report.derivation_parsing import without_provenance

from .running import cli, cli_error_body, cli_json

RUNNING_EXAMPLE = "model=independent&epsilon=0.001&threshold=0.605"


def test_budget_is_the_clis_json_byte_for_byte(client) -> None:
    response = client.get(f"/api/budget?{RUNNING_EXAMPLE}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    code, out, _ = cli("budget", "--epsilon", "0.001", "--threshold", "0.605", "--json")
    assert code == 0 and response.text == out
    assert response.json()["budget"] == 502  # DESIGN: 0.999**502 = 0.6052 >= 0.605 > 0.999**503


@pytest.mark.parametrize(
    ("query", "argv"),
    [
        ("epsilon=0.001&generations=500", ["survival", "--epsilon", "0.001", "-N", "500"]),
        ("epsilon=0.001&threshold=0.605&rho=0.01", ["compare", "--epsilon", "0.001", "-T", "0.605", "--rho", "0.01"]),
        (
            "epsilon=0.002&threshold=0.605&format=markdown",
            ["derive", "--epsilon", "0.002", "-T", "0.605", "-f", "markdown"],
        ),
        (
            "failures=0&trials=1000&confidence=0.95&threshold=0.9",
            ["evidence", "-k", "0", "-n", "1000", "-c", "0.95", "-T", "0.9"],
        ),
        ("epsilon=0.001&generations=100&rho=0.01", ["interval", "--epsilon", "0.001", "-N", "100", "--rho", "0.01"]),
        (
            "defect_rate=0.01&miss=0.1 0.2&threshold=0.9",
            ["oversight", "--defect-rate", "0.01", "--miss", "0.1", "0.2", "-T", "0.9"],
        ),
    ],
)
def test_other_commands_mirror_the_cli(client, query: str, argv: list[str]) -> None:
    response = client.get(f"/api/{argv[0]}?{query}")
    assert response.status_code == 200, response.text
    assert response.json() == cli_json(*argv)


def test_a_family_from_the_registry_is_a_spec(client, tmp_path) -> None:
    # DESIGN §4: geometric eps1 = 0.01, r = 0.5 has S(inf) = (0.01; 0.5)_inf = 0.98013
    response = client.get("/api/budget?model=geometric&epsilon1=0.01&ratio=0.5&threshold=0.98")
    spec = tmp_path / "spec.toml"
    spec.write_text('model = "geometric"\nepsilon1 = "0.01"\nratio = "0.5"\n')
    assert response.status_code == 200
    assert response.json() == cli_json("budget", "--spec", str(spec), "-T", "0.98")
    assert response.json()["unbounded"] is True


def test_beta_mixture_gives_designs_correlated_budget(client) -> None:
    response = client.get("/api/budget?model=beta-mixture&mean=0.001&rho=0.01&threshold=0.605")
    assert response.json()["budget"] == 15667  # DESIGN §4


@pytest.mark.parametrize(
    ("query", "argv"),
    [
        ("epsilon=nan&threshold=0.605", ["budget", "--epsilon", "nan", "-T", "0.605"]),
        ("epsilon=0.001&threshold=1.5", ["budget", "--epsilon", "0.001", "-T", "1.5"]),
        ("epsilon=1e-99999&threshold=0.5", ["budget", "--epsilon", "1e-99999", "-T", "0.5"]),
        ("epsilon=0.001", ["budget", "--epsilon", "0.001"]),
    ],
)
def test_bad_input_is_400_with_the_clis_message(client, query: str, argv: list[str]) -> None:
    response = client.get(f"/api/budget?{query}")
    assert response.status_code == 400
    assert response.json() == cli_error_body(*argv)


def test_a_hostile_expression_is_400_and_never_evaluated(client, tmp_path) -> None:
    hostile = "__import__('os').system('touch /tmp/owned')"
    response = client.get("/api/budget", params={"model": "expression", "expr": hostile, "threshold": "0.5"})
    spec = tmp_path / "spec.toml"
    spec.write_text(f'model = "expression"\nexpr = {json.dumps(hostile)}\n')
    expected = cli_error_body("budget", "--spec", str(spec), "-T", "0.5")
    assert response.status_code == 400
    # the worker's spec file is called "spec"; the message is otherwise the CLI's
    shown = json.dumps(expected).replace(f"'{spec}'", "'spec'").replace("spec.toml:", "spec:")
    assert response.json() == json.loads(shown)
    assert "allowed" in json.dumps(response.json())


def test_unknown_and_file_parameters_are_refused(client) -> None:
    for query in ("epsilon=0.001&threshold=0.5&spec=/etc/passwd", "epsilon=0.001&threshold=0.5&bogus=1"):
        response = client.get(f"/api/budget?{query}")
        assert response.status_code == 400
        assert "unknown parameter" in response.json()["error"]
        # the web layer's own refusals have the keys of the CLI's JSON errors (docs/cli.md)
        assert set(response.json()) == {"error", "type", "parameter", "valid", "value", "exit_code"}
    response = client.get("/api/derive?epsilon=0.001&threshold=0.5&output=/tmp/x.tex")
    assert response.status_code == 400


def test_sizes_are_limited(client) -> None:
    response = client.get(f"/api/budget?epsilon={'1' * (MAX_QUERY + 1)}&threshold=0.5")
    assert response.status_code == 413
    response = client.request("GET", f"/api/budget?{RUNNING_EXAMPLE}", content=b"x" * (MAX_BODY + 1))
    assert response.status_code == 413


def test_families_are_the_registry(client) -> None:
    families = client.get("/api/families").json()
    assert sorted(families) == registered()
    assert [field["name"] for field in families["two-rate"]["fields"]] == ["epsilon_key", "epsilon_other", "key_every"]


def test_openapi_documents_every_command_with_its_options(client) -> None:
    schema = client.get("/openapi.json").json()
    budget = schema["paths"]["/api/budget"]["get"]
    names = {parameter["name"] for parameter in budget["parameters"]}
    assert {"epsilon", "threshold", "draws", "model"} <= names and "spec" not in names
    page = client.get("/docs")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    # every documented path and the budget's options are on the page, which loads nothing from outside
    assert all(f"GET {path}</code>" in page.text for path in schema["paths"])
    assert "<code>epsilon</code>" in page.text and "--threshold" in page.text
    assert "<script" not in page.text and "http://" not in page.text and "https://" not in page.text
    assert client.get("/redoc").status_code == 404


def test_spec_download_round_trips_to_the_same_budget(client) -> None:
    response = client.get(
        "/download/spec.toml?model=two-rate&epsilon_key=0.01&epsilon_other=0.0001&key_every=10&threshold=0.9"
    )
    assert response.status_code == 200
    assert "attachment" in response.headers["content-disposition"]
    model = model_from_spec(tomllib.loads(response.text))
    budget = client.get(
        "/api/budget?model=two-rate&epsilon_key=0.01&epsilon_other=0.0001&key_every=10&threshold=0.9"
    ).json()["budget"]
    assert model.budget("0.9").n == budget


def test_derivation_downloads(client) -> None:
    markdown = client.get(f"/download/derivation.md?{RUNNING_EXAMPLE}")
    assert markdown.status_code == 200
    cli_markdown = cli_json("derive", "--epsilon", "0.001", "-T", "0.605", "-f", "markdown")["document"]
    # the provenance line names the minute each was made: equal apart from it
    assert without_provenance(markdown.text) == without_provenance(cli_markdown)
    assert "*Produced by* bounds" in markdown.text
    assert client.get(f"/download/result.json?{RUNNING_EXAMPLE}").json()["budget"] == 502
    assert client.get("/download/derivation.md?epsilon=2&threshold=0.5").status_code == 400


def test_report_downloads(client) -> None:
    page = client.get(f"/download/report.html?{RUNNING_EXAMPLE}")
    assert page.status_code == 200 and "attachment" in page.headers["content-disposition"]
    assert "502" in page.text and "<math" in page.text
    assert "http://" not in page.text and "https://" not in page.text  # self-contained, as bounds report writes it
    markdown = client.get(f"/download/report.md?{RUNNING_EXAMPLE}")
    assert markdown.status_code == 200 and "502" in markdown.text
    assert client.get("/download/report.html?epsilon=2&threshold=0.5").status_code == 400


def test_an_unknown_family_is_400_naming_the_families(client) -> None:
    response = client.get("/api/budget?model=bogus&threshold=0.5")
    assert response.status_code == 400
    assert "'model' must be one of" in response.json()["error"] and "geometric" in response.json()["error"]
    assert client.get("/api/compare?model=geometric&epsilon=0.001&threshold=0.5").status_code == 400
