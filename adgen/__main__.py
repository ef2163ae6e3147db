"""``python -m adgen``: the same command line as ``adgen``."""

import sys

from .cli import main

sys.exit(main())
