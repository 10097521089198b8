"""Entry point of the frozen (PyInstaller) build."""

import sys

if __name__ == "__main__":
    if sys.argv[1:2] == ["--first-page-helper"]:
        # The start-up helper (reviewer.first_page) needs neither multiprocessing nor the GUI's modules.
        from reviewer.first_page import main as first_page_helper

        sys.exit(first_page_helper(sys.argv[2:]))
    # Background work runs in spawned processes; a frozen child must not start the GUI again.
    if sys.platform.startswith("linux"):  # build.spec leaves PyInstaller's hook out (~20 ms before the first frame)
        import frozen_multiprocessing

        frozen_multiprocessing.serve_multiprocessing_child()
        frozen_multiprocessing.set_up_when_imported()
    else:
        import multiprocessing

        multiprocessing.freeze_support()
    from ui.app import main

    sys.exit(main())
