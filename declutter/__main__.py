"""``python -m declutter``: the same command as the ``declutter`` console script."""

import sys

from declutter.cli import main

sys.exit(main())
