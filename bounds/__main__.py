"""``python -m bounds``: the same as the ``bounds`` console script."""

import sys

from bounds.cli import main

sys.exit(main())
