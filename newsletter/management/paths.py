"""Reading the file a management command was given, with `path: reason` for the person.

`import_issue` and `restore` name the file and, where there is one, the line
they could not read, and exit with status 1: never a traceback.
"""

from pathlib import Path


def shown_path(path: Path | str) -> str:
    """Return `path` as it can be printed: a NUL byte becomes `\\x00`."""
    return str(path).replace("\x00", "\\x00")


def path_problem(path: Path) -> str | None:
    """Return why `path` is not a readable file, as `path: reason`, or None when it is one."""
    shown = shown_path(path)
    if "\x00" in str(path):
        return f"{shown}: a file name cannot contain a NUL byte"
    try:
        if path.is_dir():
            return f"{shown}: is a directory, not a file"
        if not path.exists():
            return f"{shown}: no such file"
        if not path.is_file():
            return f"{shown}: not a regular file"
    except OSError as error:
        return f"{shown}: cannot be read ({error.strerror or error})"
    return None


def read_bytes(path: Path) -> bytes:
    """Return the content of `path`; raise `OSError` whose message is `path: reason`."""
    problem = path_problem(path)
    if problem is not None:
        raise OSError(problem)
    try:
        return path.read_bytes()
    except OSError as error:
        raise OSError(f"{shown_path(path)}: cannot be read ({error.strerror or error})") from error
