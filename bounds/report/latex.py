r"""LaTeX and Markdown output for derivations, and the number formatting they share.

A :class:`~bounds.report.derive.Derivation` is rendered here in four shapes (DESIGN §5):

* a LaTeX *fragment* (prose paragraphs and ``aligned`` blocks in the handcalcs
  shape ``symbolic = substituted = result``), to paste into a paper;
* a *standalone document* (``article`` class, ``amsmath`` and ``amssymb`` only);
* a *PDF*, by running ``pdflatex`` in a temporary folder;
* *Markdown* with ``$...$`` and ``$$...$$`` math.

Numbers are printed with significant figures and scientific notation, never
rounded to ``0.000``: ``1e-20`` prints as ``1 \times 10^{-20}`` and an
mpmath survival of ``6.2e-918556498`` keeps its exponent. Integers print in
full; long ones are broken with ``\allowbreak`` so that they wrap in text.

Examples
--------
>>> from fractions import Fraction
>>> latex_number(Fraction(1, 10**20))
'1 \\times 10^{-20}'
>>> latex_number(Fraction(1, 500))
'0.002'
>>> import mpmath
>>> latex_number(mpmath.mpf("6.2e-918556498"), 2)
'6.2 \\times 10^{-918556498}'
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from decimal import Context, Decimal
from fractions import Fraction
from numbers import Integral
from pathlib import Path
from typing import Any

import mpmath
import sympy
from sympy.printing.latex import LatexPrinter

from bounds._io import write_atomic
from bounds.display import renderer
from bounds.errors import BoundsError
from bounds.models.base import SurvivalModel
from bounds.report.steps import Line, Steps

__all__ = [
    "PDFLATEX_COMMAND",
    "document",
    "display_integer",
    "escape_text",
    "floor_display",
    "for_mathjax",
    "fragment",
    "integer_text",
    "latex_expr",
    "latex_integer",
    "latex_number",
    "markdown",
    "model_latex",
    "pdf",
    "real_text",
    "text_to_latex",
]

#: The command line used to compile documents (``-no-shell-escape``: a spec file's text
#: must never run programs).
PDFLATEX_COMMAND = ("pdflatex", "-halt-on-error", "-interaction=nonstopmode", "-no-shell-escape")

#: Where a long integer may wrap in LaTeX; the stretchable glue lets a justified line end between
#: groups instead of overflowing. MathJax (Markdown, Jupyter) gets the digits without it.
LINE_BREAK = r"\allowbreak\mskip 0mu plus 18mu{}"

#: Integers longer than this are broken with ``\allowbreak`` every five digits in LaTeX.
LONG_INTEGER = 30

#: Decimal arithmetic wide enough never to round a displayed number.
_WIDE = Context(prec=200)

#: Exact decimals with more significant digits than this are printed rounded.
MAX_EXACT_DIGITS = 30


def integer_text(value: int) -> str:
    """All digits of an integer, also beyond Python's 4300-digit ``str(int)`` limit.

    Examples
    --------
    >>> len(integer_text(10**5000))
    5001
    """
    value = int(value)
    return str(value) if value.bit_length() < 10_000 else format(Decimal(value), "f")


def latex_integer(value: int) -> str:
    r"""An integer in full; above :data:`LONG_INTEGER` digits with ``\allowbreak`` every five digits.

    Examples
    --------
    >>> latex_integer(251)
    '251'
    >>> latex_integer(10**35).count(r"\allowbreak")
    7
    """
    text = integer_text(value)
    if len(text) <= LONG_INTEGER:
        return text
    sign, digits = ("-", text[1:]) if text.startswith("-") else ("", text)
    head = len(digits) % 5 or 5
    groups = [digits[:head]] + [digits[start : start + 5] for start in range(head, len(digits), 5)]
    return sign + LINE_BREAK.join(groups)



def for_mathjax(latex: str) -> str:
    """LaTeX for MathJax renderers: long integers without the pdflatex-only line-break glue."""
    return latex.replace(LINE_BREAK, "")


def _scientific(text: str) -> str:
    mantissa, _, exponent = text.partition("e")
    if not exponent:
        return mantissa
    return f"{mantissa} \\times 10^{{{int(exponent)}}}"


def _exact_decimal(value: Fraction) -> Decimal | None:
    """The terminating decimal equal to ``value``, or ``None`` when it does not terminate."""
    denominator = value.denominator
    twos = fives = 0
    while denominator % 2 == 0:
        denominator //= 2
        twos += 1
    while denominator % 5 == 0:
        denominator //= 5
        fives += 1
    if denominator != 1:
        return None
    scale = max(twos, fives)
    digits = value.numerator * 10**scale // value.denominator
    return Decimal(digits).scaleb(-scale, _WIDE)


def latex_number(value: Any, digits: int = 6) -> str:
    r"""LaTeX for a number: exact rationals exactly, reals with ``digits`` significant figures.

    * ``int`` (and whole Fractions): every digit (see :func:`latex_integer`);
    * ``Fraction`` with a terminating decimal of at most :data:`MAX_EXACT_DIGITS`
      digits: that decimal, exactly (``0.002``, ``1 \times 10^{-20}``);
    * other ``Fraction``: ``\tfrac{p}{q}`` when both are small, else rounded;
    * ``float`` and ``mpmath.mpf``: ``digits`` significant figures, scientific
      notation below ``1e-4`` and from ``1e6`` on.

    Examples
    --------
    >>> latex_number(Fraction(1, 3))
    '\\tfrac{1}{3}'
    >>> latex_number(0.605166793350407, 6)
    '0.605167'
    >>> latex_number(Fraction(999999, 10**6))
    '0.999999'
    """
    if isinstance(value, Integral) and not isinstance(value, bool):
        return latex_integer(int(value))
    if isinstance(value, sympy.Rational):
        value = Fraction(int(value.p), int(value.q))
    if isinstance(value, Fraction):
        if value.denominator == 1:
            return latex_integer(value.numerator)
        decimal = _exact_decimal(value)
        if decimal is not None and len(decimal.as_tuple().digits) <= MAX_EXACT_DIGITS:
            adjusted = decimal.adjusted()
            if -4 <= adjusted < 6:
                return format(decimal, "f")
            text = format(decimal, "e").replace("E", "e").replace("e+", "e")
            mantissa, _, exponent = text.partition("e")
            return _scientific(f"{mantissa}e{int(exponent)}")
        if decimal is None and max(abs(value.numerator), value.denominator) < 10**6:
            sign = "-" if value < 0 else ""
            return f"{sign}\\tfrac{{{abs(value.numerator)}}}{{{value.denominator}}}"
        with mpmath.workdps(MAX_EXACT_DIGITS + 10):
            rounded = mpmath.mpf(value.numerator) / value.denominator
            return _scientific(real_text(rounded, MAX_EXACT_DIGITS))
    if isinstance(value, sympy.Float):
        value = mpmath.mpf(value)
    return _scientific(real_text(value, digits))


def real_text(value: Any, digits: int = 6) -> str:
    """A real number with ``digits`` significant figures (plain ``e`` notation, no LaTeX).

    Fixed notation for magnitudes in ``[1e-4, 1e6)``, scientific otherwise; a
    value that is not 1 never prints as ``1`` (digits are added until it shows).
    Exact for ``mpmath.mpf`` far outside the float range.

    Examples
    --------
    >>> real_text(Fraction(2, 3), 20)
    '0.66666666666666666667'
    >>> real_text(0.99999999, 6)
    '0.99999999'
    >>> real_text(1234567.8, 3)
    '1.23e6'
    """
    with mpmath.workdps(max(digits, 60) + 10):
        if isinstance(value, Fraction):
            number = mpmath.mpf(value.numerator) / value.denominator
        else:
            number = mpmath.mpf(value)
        if number == 0:
            return "0"
        if not mpmath.isfinite(number):
            return str(number)
        while True:
            text = mpmath.nstr(number, digits, min_fixed=1, max_fixed=0, strip_zeros=False)
            mantissa, _, exponent_text = text.partition("e")
            exponent = int(exponent_text or 0)
            shows_one = exponent == 0 and mantissa.lstrip("-").rstrip("0").rstrip(".") == "1"
            if not shows_one or abs(number) == 1 or digits >= 60:
                break
            digits += 1
    if -4 <= exponent < 6:
        text = format(Decimal(mantissa).scaleb(exponent, _WIDE), "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    mantissa = mantissa.rstrip("0").rstrip(".") if "." in mantissa else mantissa
    return f"{mantissa}e{exponent}"


def display_integer(value: int) -> str:
    r"""An integer for a display: in full up to :data:`~bounds.report.latex.LONG_INTEGER` digits, else abbreviated.

    Long integers show a truncated mantissa (a correct prefix) and the exponent:
    ``1.0536051565\ldots \times 10^{299}``; exact multiples of a power of ten
    show exactly (``1 \times 10^{299}``). Derivations print long integers in full
    in prose, where ``\allowbreak`` can wrap them.

    Examples
    --------
    >>> display_integer(251)
    '251'
    >>> display_integer(10**40)
    '1 \\times 10^{40}'
    >>> display_integer(2**140)
    '1.3937965749\\ldots \\times 10^{42}'
    """
    text = integer_text(value)
    if len(text) <= LONG_INTEGER:
        return latex_integer(value)
    sign, digits = ("-", text[1:]) if text.startswith("-") else ("", text)
    exponent = len(digits) - 1
    significant = digits.rstrip("0")
    if len(significant) <= 11:
        mantissa = significant[0] + ("." + significant[1:] if len(significant) > 1 else "")
        return f"{sign}{mantissa} \\times 10^{{{exponent}}}"
    return f"{sign}{digits[0]}.{digits[1:11]}\\ldots \\times 10^{{{exponent}}}"


def floor_display(compute: Any, what: str = "value") -> tuple[int, str]:
    r"""``floor(x)`` for a positive real ``x`` given by ``compute(dps)``, and LaTeX showing ``x``.

    The precision rises until ``x`` is farther from an integer than its error,
    so the floor is exact; the shown decimals are *truncated* (a correct
    prefix, followed by ``\ldots``) and long enough to show where ``x`` leaves
    the integer. ``x`` must not be an integer (callers handle exact ties).

    Examples
    --------
    >>> floor_display(lambda dps: mpmath.log(mpmath.mpf("0.605")) / mpmath.log1p(-mpmath.mpf("0.002")))
    (251, '251.012\\ldots')
    """
    dps = 40
    while dps <= 20_000:
        with mpmath.workdps(dps + 10):
            value = mpmath.mpf(compute(dps + 10))
            floor = int(mpmath.floor(value))
            fraction = value - floor
            margin = mpmath.mpf(10) ** (-(dps // 2))
            if margin < fraction < 1 - margin:
                decimals = 3
                while decimals < dps // 2 and (
                    int(fraction * 10**decimals) == 0 or int((1 - fraction) * 10**decimals) == 0
                ):
                    decimals += 1
                digits = str(int(mpmath.floor(fraction * mpmath.mpf(10) ** decimals))).rjust(decimals, "0")
                if len(integer_text(floor)) > LONG_INTEGER:
                    return floor, display_integer(floor)
                return floor, f"{latex_integer(floor)}.{digits}\\ldots"
        dps *= 2
    raise BoundsError(f"could not separate {what} from an integer at {dps // 2} digits")


class _DerivationPrinter(LatexPrinter):
    """sympy's LaTeX printer, printing exact rationals as the decimals the user typed."""

    def _print_Rational(self, expr: sympy.Rational) -> str:
        text = latex_number(Fraction(int(expr.p), int(expr.q)))
        return text if "\\tfrac" not in text else text.replace("\\tfrac", "\\frac")

    def _print_Integer(self, expr: sympy.Integer) -> str:
        return latex_integer(int(expr))


def latex_expr(expr: Any) -> str:
    r"""LaTeX for a sympy expression, with rationals as decimals.

    Examples
    --------
    >>> epsilon, n = sympy.symbols("varepsilon N")
    >>> latex_expr((1 - sympy.UnevaluatedExpr(sympy.Rational(1, 500))) ** n)
    '\\left(1 - 0.002\\right)^{N}'
    """
    return _DerivationPrinter({"order": "old"}).doprint(expr)


_UNICODE_MATH = {
    "ε": r"\varepsilon", "δ": r"\delta", "ρ": r"\rho", "α": r"\alpha", "β": r"\beta",
    "γ": r"\gamma", "λ": r"\lambda", "μ": r"\mu", "π": r"\pi", "σ": r"\sigma", "τ": r"\tau",
    "θ": r"\theta", "ℓ": r"\ell", "Γ": r"\Gamma", "Π": r"\Pi", "Σ": r"\Sigma",
    "≥": r"\ge", "≤": r"\le", "≠": r"\ne", "≈": r"\approx", "×": r"\times", "·": r"\cdot",
    "−": "-", "∞": r"\infty", "∑": r"\sum", "∏": r"\prod", "√": r"\surd", "‖": r"\|",
    "⟨": r"\langle", "⟩": r"\rangle", "∩": r"\cap", "∪": r"\cup", "⌊": r"\lfloor",
    "⌋": r"\rfloor", "→": r"\to", "∈": r"\in", "∀": r"\forall", "±": r"\pm",
    "²": "^2", "³": "^3", "₁": "_1", "₂": "_2", "ᵢ": "_i", "ₖ": "_k",
}
_UNICODE_TEXT = {
    "–": "--", "—": "---", "’": "'", "‘": "`", "“": "``", "”": "''", "\u00a0": "~", "…": r"\dots{}",
}
_TEXT_SPECIALS = {
    "\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "#": r"\#", "_": r"\_", "{": r"\{", "$": r"\$",
    "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "<": r"\textless{}",
    ">": r"\textgreater{}", "|": r"\textbar{}",
}


def escape_text(text: str) -> str:
    r"""Escape plain text for LaTeX (specials, and Unicode that pdflatex cannot set).

    Greek letters and mathematical symbols become inline math; any other
    non-ASCII character is shown as its code point, so a document always compiles.

    Examples
    --------
    >>> escape_text("100% of ε_i >= δ")
    '100\\% of $\\varepsilon$\\_i \\textgreater{}= $\\delta$'
    """
    out = []
    for character in text:
        if character in _TEXT_SPECIALS:
            out.append(_TEXT_SPECIALS[character])
        elif character in _UNICODE_MATH:
            out.append(f"${_UNICODE_MATH[character]}$")
        elif character in _UNICODE_TEXT:
            out.append(_UNICODE_TEXT[character])
        elif character == "\u0304":  # combining macron: ε̄
            out.append(r"$\bar{}$")
        elif ord(character) > 126 or (ord(character) < 32 and character not in "\n\t"):
            out.append(f"[U+{ord(character):04X}]")
        else:
            out.append(character)
    return "".join(out)


_MATH_SEGMENT = re.compile(r"(\$[^$]*\$)")


def text_to_latex(text: str) -> str:
    """Prose with ``$...$`` math: the text parts are escaped, the math parts kept."""
    parts = _MATH_SEGMENT.split(text)
    return "".join(part if part.startswith("$") and part.endswith("$") and len(part) > 1
                   else escape_text(part) for part in parts)


_COMMAND_OR_BRACE = re.compile(r"\\(?:left|right)|\\[a-zA-Z]+|[{}^_]")


def _visible_width(latex: str) -> int:
    """A rough printed width: commands count as one character, braces and scripts as none."""
    return len(_COMMAND_OR_BRACE.sub(lambda match: "x" if len(match.group()) > 6 else "", latex))


def _line_length(line: Line) -> int:
    return _visible_width(line.lhs) + sum(_visible_width(rhs) + 3 for _, rhs in line.rhs)


def _aligned_rows(line: Line, width: int = 64) -> list[str]:
    """One ``aligned`` row per line, or one row per link when the chain is long."""
    if not line.rhs:
        return [f"&{line.lhs}"]
    if _line_length(line) <= width:
        first_relation, first = line.rhs[0]
        rest = "".join(f" {relation} {rhs}" for relation, rhs in line.rhs[1:])
        return [f"{line.lhs} &{first_relation} {first}{rest}"]
    rows = [f"{line.lhs} &{line.rhs[0][0]} {line.rhs[0][1]}"]
    rows += [f"&{relation} {rhs}" for relation, rhs in line.rhs[1:]]
    return rows


def aligned(lines: tuple[Line, ...] | list[Line]) -> str:
    r"""An ``aligned`` environment with one row per relation chain (long chains wrap per link)."""
    rows = [row for line in lines for row in _aligned_rows(line)]
    return "\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}"


def fragment(derivation: Steps) -> str:
    r"""The body of a derivation: a paragraph of prose and a display per step.

    Paste it into any document that loads ``amsmath`` and ``amssymb``.
    """
    blocks = [f"% {escape_text(derivation.title)}"]
    for step in derivation.steps:
        if step.text:
            label = f"\\textbf{{{step.label}.}} " if step.label else ""
            blocks.append(label + text_to_latex(step.text))
        if step.lines:
            blocks.append("\\[\n" + aligned(step.lines) + "\n\\]")
    return "\n\n".join(blocks) + "\n"


def document(derivation: Steps) -> str:
    r"""A standalone LaTeX document (``article``, ``amsmath`` and ``amssymb`` only)."""
    return (
        "\\documentclass[11pt]{article}\n"
        "\\usepackage{amsmath}\n"
        "\\usepackage{amssymb}\n"
        "\\allowdisplaybreaks\n"
        "\\setlength{\\parindent}{0pt}\n"
        "\\setlength{\\parskip}{0.6em}\n"
        "\\begin{document}\n"
        f"\\section*{{{escape_text(derivation.title)}}}\n\n"
        f"{fragment(derivation)}\n"
        "\\end{document}\n"
    )


def markdown(derivation: Steps) -> str:
    """The derivation as Markdown: prose with ``$...$`` math and ``$$...$$`` displays."""
    blocks = [f"# {derivation.title}"]
    for step in derivation.steps:
        if step.text:
            label = f"**{step.label}.** " if step.label else ""
            blocks.append(label + step.text)
        if step.lines:
            blocks.append("$$\n" + aligned(step.lines) + "\n$$")
    return for_mathjax("\n\n".join(blocks) + "\n")


def compile_pdf(source: str) -> bytes:
    """Compile a LaTeX document with pdflatex in a temporary folder and return the PDF bytes.

    Raises
    ------
    BoundsError
        When ``pdflatex`` is not installed, or the document does not compile
        (the message quotes the first error of the log).
    """
    executable = shutil.which(PDFLATEX_COMMAND[0])
    if executable is None:
        raise BoundsError(
            "pdflatex was not found on PATH: install TeX Live (Debian: apt-get install "
            "texlive-latex-base) or use --format latex and compile the .tex file yourself"
        )
    # paranoid file access: a document may read and write only below its own folder
    environment = {**os.environ, "openin_any": "p", "openout_any": "p"}
    with tempfile.TemporaryDirectory(prefix="bounds-latex-") as folder:
        Path(folder, "derivation.tex").write_text(source, encoding="utf-8")
        try:
            completed = subprocess.run(
                [executable, *PDFLATEX_COMMAND[1:], "derivation.tex"],
                cwd=folder, env=environment, capture_output=True, timeout=300, check=False,
            )
        except subprocess.TimeoutExpired:
            raise BoundsError("pdflatex did not finish within 300 seconds") from None
        output = Path(folder, "derivation.pdf")
        if completed.returncode != 0 or not output.exists():
            log = completed.stdout.decode("utf-8", "replace")
            errors = [line for line in log.splitlines() if line.startswith("!")]
            reason = errors[0] if errors else f"exit status {completed.returncode}"
            raise BoundsError(f"pdflatex could not compile the document: {reason}")
        return output.read_bytes()


def pdf(derivation: Steps | str, path: str | os.PathLike[str]) -> Path:
    """Write a derivation (or a complete LaTeX document) as a PDF file, atomically."""
    source = derivation if isinstance(derivation, str) else document(derivation)
    return write_atomic(path, compile_pdf(source))


@renderer("latex", SurvivalModel)
def model_latex(model: Any) -> str:
    r"""``$S(N) = \text{symbolic} = \text{substituted}$`` for a model, for Jupyter."""
    try:
        expression = model.symbolic()
    except NotImplementedError:
        return f"$\\text{{{escape_text(repr(model))}}}$"
    symbolic = latex_expr(expression.expr)
    substituted = latex_expr(expression.substituted())
    chain = symbolic if symbolic == substituted else f"{symbolic} = {substituted}"
    return for_mathjax(f"$\\displaystyle S(N) = {chain}$")
