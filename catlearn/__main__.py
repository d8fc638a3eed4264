"""``python -m catlearn``: the command line."""

import sys

from catlearn.cli import main

sys.exit(main())
