"""Entry point of the PyInstaller bundle: the same ``main`` as the console script."""

import multiprocessing
import sys

from emailautomation.cli import main

if __name__ == "__main__":
    # Spawned worker processes re-enter here in a frozen app.
    multiprocessing.freeze_support()
    sys.exit(main())
