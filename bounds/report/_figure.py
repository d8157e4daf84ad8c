"""The Figure the plot functions return: a matplotlib Figure that shows itself in Jupyter.

The figures are built without pyplot (on the Agg canvas, safe on servers and in threads),
so IPython has no formatter for them until ``%matplotlib inline`` registers one, and a
notebook prints ``<Figure size 800x440 with 1 Axes>``. A ``_repr_png_`` is how IPython
asks any object for an image, so this subclass displays by itself and is otherwise the
Figure it extends. Imported only when a figure is made (matplotlib is the ``plot`` extra).
"""

from __future__ import annotations

import io

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

__all__ = ["InlineFigure", "new_figure"]

#: Resolution of the notebook image (matplotlib-inline's default); files choose their own.
NOTEBOOK_DPI = 100


class InlineFigure(Figure):
    """A :class:`matplotlib.figure.Figure` with a PNG rendering for Jupyter."""

    def _repr_png_(self) -> bytes:
        buffer = io.BytesIO()
        self.savefig(buffer, format="png", dpi=NOTEBOOK_DPI, bbox_inches="tight")
        return buffer.getvalue()


def new_figure(size: tuple[float, float]) -> InlineFigure:
    """An empty figure of ``size`` inches on its own Agg canvas, with constrained layout."""
    figure = InlineFigure(figsize=size, layout="constrained")
    FigureCanvasAgg(figure)
    return figure
