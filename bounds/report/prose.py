r"""Prose for LaTeX: escaping plain text, keeping ``$...$`` math, and typesetting ASCII maths.

A derivation's prose is plain text with ``$...$`` inline math. :func:`text_to_latex`
escapes the text parts (LaTeX specials, Unicode that pdflatex cannot set) and keeps
the math; :func:`ascii_math_to_latex` turns the ASCII maths a user's model may write
in its assumptions (``epsilon_1 r^(i-1)``, ``(epsilon_1; r)_infinity``,
``epsilon ~ Beta(a, b)``) into inline math, so no document prints raw ASCII maths.

Examples
--------
>>> ascii_math_to_latex("generation i fails with probability epsilon_1 r^(i-1)")
'generation $i$ fails with probability $\\varepsilon_{1}$ $r^{i - 1}$'
"""

from __future__ import annotations

import re

__all__ = ["ascii_math_to_latex", "escape_text", "text_to_latex"]

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
    "é": r"\'e", "è": r"\`e", "à": r"\`a", "ö": r'\"o', "ü": r'\"u', "ä": r'\"a', "ç": r"\c{c}",
    "É": r"\'E",
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


_GREEK = ("alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "kappa", "lambda", "mu",
          "nu", "xi", "pi", "rho", "sigma", "tau", "phi", "chi", "psi", "omega")
_LATEX_GREEK = {name: f"\\{name}" for name in _GREEK} | {"epsilon": r"\varepsilon", "phi": r"\varphi"}
_SUBSCRIPT = r"(?:_(?:\{[^}]*\}|[A-Za-z0-9]+))?"
_ASCII_MATH = re.compile(
    r"\(?(?P<pochhammer>\(\w+(?:_\w+)?;\s*\w+\)_infinity)"
    r"|(?P<power>[\w.]+\^\((?P<exponent>[^()]*)\))"
    r"|(?P<greek>\b(?:" + "|".join(_GREEK) + r")" + _SUBSCRIPT + r"'?)(?![A-Za-z])"
    r"|(?P<infinity>\binfinity\b)"
    r"|(?P<tilde>\s~\s)"
    # a single letter is a symbol, except the words "a", "A" and "I" before another word
    r"|(?P<letter>(?<![\w'])(?!(?<=\w\()s\))(?![aAI] [A-Za-z])[a-zA-Z](?:_[A-Za-z0-9]+)?(?![\w'(]))"
)


def _symbol(token: str) -> str:
    """``epsilon_1`` -> ``\\varepsilon_{1}``; ``i_0`` -> ``i_{0}``; a prime stays."""
    prime = "'" if token.endswith("'") else ""
    name, _, subscript = token.rstrip("'").partition("_")
    head = _LATEX_GREEK.get(name, name)
    if subscript:
        subscript = subscript.strip("{}")
        inner = "\\infty" if subscript == "infinity" else _LATEX_GREEK.get(subscript, subscript)
        if len(subscript) > 2 and subscript not in _LATEX_GREEK:
            inner = "\\mathrm{" + inner + "}"
        head += "_{" + inner + "}"
    return head + prime


def _convert(match: re.Match[str]) -> str:
    if match.group("pochhammer"):
        inside = match.group("pochhammer")[1:].split(")_")[0]
        first, _, second = inside.partition(";")
        return f"$({_symbol(first.strip())}; {_symbol(second.strip())})_\\infty$"
    if match.group("power"):
        base = match.group("power").split("^")[0]
        exponent = " ".join(_symbol(part) if part.isidentifier() else part
                            for part in re.split(r"(\W)", match.group("exponent")) if part)
        return f"${_symbol(base) if base.isidentifier() else base}^{{{exponent.replace('  ', ' ')}}}$"
    if match.group("greek"):
        return f"${_symbol(match.group('greek'))}$"
    if match.group("infinity"):
        return "$\\infty$"
    if match.group("tilde"):
        return " $\\sim$ "
    return f"${_symbol(match.group('letter'))}$"


def ascii_math_to_latex(text: str) -> str:
    r"""Plain prose with ASCII maths -> prose with ``$...$`` math (text that has ``$`` is kept as it is).

    Greek names (with subscripts and primes), ``x^(...)`` powers, ``(a; q)_infinity``,
    ``infinity``, `` ~ `` and single-letter symbols become inline math; the rest stays text.

    Examples
    --------
    >>> ascii_math_to_latex("for r < 1 the limit is (epsilon_1; r)_infinity")
    'for $r$ < 1 the limit is $(\\varepsilon_{1}; r)_\\infty$'
    >>> ascii_math_to_latex("epsilon ~ Beta(a, b)")
    '$\\varepsilon$ $\\sim$ Beta($a$, $b$)'
    """
    if "$" in text:
        return text
    return _ASCII_MATH.sub(_convert, text)
