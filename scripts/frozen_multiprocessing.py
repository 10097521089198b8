"""multiprocessing in the built app on Linux, in place of PyInstaller's ``pyi_rth_multiprocessing`` run-time hook.

A built app runs itself again for the processes ``multiprocessing`` starts: a spawned worker
(``--multiprocessing-fork``), the resource tracker and the fork server (``-c "from multiprocessing… import main"``).
PyInstaller's hook prepares to serve those by importing ``multiprocessing`` (with ``subprocess``, ``socket``,
``pickle`` …: ~20 ms of CPU) in EVERY process before the app's first line — the window's too, before its first
frame. Here the entry (``scripts/frozen_entry.py``) recognises those processes from their command line alone and
serves them as PyInstaller's ``freeze_support`` does; every other process imports ``multiprocessing`` when it
first uses it, set up then as PyInstaller's hook sets it up (the script's folder is not recorded).
"""

import sys

_HELPER_COMMANDS = (
    "from multiprocessing.resource_tracker import main",
    "from multiprocessing.forkserver import main",
    "import sys; from multiprocessing.forkserver import main",
)


def _is_spawned_worker(argv):
    return len(argv) >= 2 and argv[1] == "--multiprocessing-fork"


def _helper_command(argv):
    """The code a resource tracker or fork server started as ``exe <interpreter flags> -c CODE`` runs, else None."""
    if "-c" not in argv:
        return None
    at = argv.index("-c")
    if at + 1 >= len(argv) or not argv[at + 1].startswith(_HELPER_COMMANDS):
        return None
    from subprocess import _args_from_interpreter_flags

    if set(argv[1:at]) != set(_args_from_interpreter_flags()):
        return None
    return argv[at + 1]


def serve_multiprocessing_child():
    """Run the process multiprocessing started and exit; return at once (nothing imported) when this is not one.
    Called by the entry script, as ``freeze_support``: a spawned worker finds the main module in place."""
    sys.pia_multiprocessing_served = True  # ui.gui need not call freeze_support
    command = _helper_command(sys.argv)
    if command is not None:
        exec(command)  # noqa: S102 - multiprocessing's own start command, as PyInstaller's hook runs it
        sys.exit()
    if _is_spawned_worker(sys.argv):
        import multiprocessing.process
        import multiprocessing.spawn

        multiprocessing.process.ORIGINAL_DIR = None
        options = {}
        for arg in sys.argv[2:]:
            name, value = arg.split("=")
            options[name] = None if value == "None" else int(value)
        multiprocessing.spawn.spawn_main(**options)
        sys.exit()


def set_up_when_imported():
    """multiprocessing, whenever it is first imported, does not record the script's folder (a spawned child would
    otherwise look for the main script there)."""
    if "multiprocessing.process" in sys.modules:
        sys.modules["multiprocessing.process"].ORIGINAL_DIR = None
    else:
        sys.meta_path.insert(0, _SetUpWhenImported())


class _Loader:
    """``multiprocessing.process``'s own loader, then the setting PyInstaller's hook makes: the script's folder is
    not recorded (a spawned child would otherwise look for the main script there)."""

    def __init__(self, loader):
        self._loader = loader

    def __getattr__(self, name):
        return getattr(self._loader, name)

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        self._loader.exec_module(module)
        module.ORIGINAL_DIR = None


class _SetUpWhenImported:
    """Finds ``multiprocessing.process`` (imported by ``multiprocessing`` itself) with :class:`_Loader`, once."""

    def find_spec(self, name, path=None, target=None):
        if name != "multiprocessing.process":
            return None
        sys.meta_path.remove(self)
        for finder in sys.meta_path:
            find = getattr(finder, "find_spec", None)
            spec = find(name, path, target) if find is not None else None
            if spec is not None:
                if spec.loader is not None:
                    spec.loader = _Loader(spec.loader)
                return spec
        return None


