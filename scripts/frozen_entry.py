"""Entry point of the frozen (PyInstaller) build."""

import multiprocessing
import sys

if __name__ == "__main__":
    # Background work runs in spawned processes; a frozen child must not start the GUI again.
    multiprocessing.freeze_support()
    from ui.app import main

    sys.exit(main())
