"""``python -m contractforge …``: the same CLI as the ``contractforge`` console script."""

import sys

from contractforge.cli.main import main

sys.exit(main())
