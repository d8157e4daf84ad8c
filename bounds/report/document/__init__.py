"""``bounds report``: one document (PDF, self-contained HTML, Markdown) for one question.

:func:`build_report` answers "how many generations keep ``S(N) >= T``?" for one or more
models and gathers around the certified budget everything a reader needs to check
and quote it: the certificate, the comparison across assumptions about dependence,
the survival plot, the elasticities, the derivations, every assumption, and how
the report was made. :class:`Report` renders it as HTML (one file, no network
request of any kind), Markdown, LaTeX or PDF.
"""

from bounds.report.document.content import Comparison, ElasticityRow, Report, build_report

__all__ = ["Comparison", "ElasticityRow", "Report", "build_report"]
