"""What people see: derivations, LaTeX/Markdown/PDF, plots, comparisons and reports (sympy lives here).

The package itself is callable: ``bounds.report(model, T)`` is
:func:`bounds.report.document.report` (one document for one question), while
``bounds.report.derive``, ``bounds.report.plot`` and the other modules stay reachable
as attributes. A module cannot be both a package and a function, so the package's
module object gets a class with ``__call__`` (module ``__class__`` assignment is
supported by Python since 3.5).
"""

import sys
import types
from typing import Any

from bounds.report import derive, latex  # noqa: E402, F401  (register the renderers of bounds.display)


class _CallablePackage(types.ModuleType):
    def __call__(self, *args: Any, **options: Any) -> Any:
        from bounds.report.document import report

        return report(*args, **options)


sys.modules[__name__].__class__ = _CallablePackage
