"""The frozen app's entry point: the same ``softphone`` command as a source install."""

import multiprocessing
import sys

from softphone.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()
    sys.exit(main())
