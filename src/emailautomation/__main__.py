"""Run the command-line interface with ``python -m emailautomation``."""

import sys

from emailautomation.cli import main

sys.exit(main())
