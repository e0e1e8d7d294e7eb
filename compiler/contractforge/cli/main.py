"""Entry point of the ``contractforge`` console script.

Every ``contractforge.cli.command_<verb>`` module is discovered automatically and must expose
``register(subparsers) -> None``, adding its parser with ``set_defaults(func=<callable>)``.
The callable takes the parsed ``argparse.Namespace`` and returns the process exit code.
Commands load lazily: ``contractforge <verb> …`` imports only ``command_<verb>`` (``-`` in the
verb is ``_`` in the module name), ``--version`` imports none; only the overall help or an
unknown verb imports them all. So ``validate``/``plan``/``compile``/``schema`` never pay for
boto3, pyathena, sqlglot or Spark.

Exit codes: 0 success / valid, 1 the plan or the run has blockers or failures,
2 invalid input (a readable message, never a traceback), 70 an internal error (a bug: one redacted
line naming the exception; ``CONTRACTFORGE_DEBUG=1`` shows the traceback).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from contractforge import __version__

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_INVALID = 2
EXIT_INTERNAL = 70  # EX_SOFTWARE


COMMAND_PREFIX = "command_"


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The parser; with ``argv`` only the command it names is imported (all of them otherwise)."""
    parser = argparse.ArgumentParser(
        prog="contractforge",
        description="Compile YAML data contracts to Terraform + Glue/Iceberg run plans, run and audit them.",
    )
    parser.add_argument("--version", action="version", version=f"contractforge {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    available = sorted(  # a directory listing: pkgutil would import inspect (~10 ms) for --version
        name[:-3]
        for name in os.listdir(os.path.dirname(__file__))
        if name.startswith(COMMAND_PREFIX) and name.endswith(".py")
    )
    wanted = _wanted(argv, available) if argv is not None else available
    for name in wanted:
        importlib.import_module(f"contractforge.cli.{name}").register(subparsers)
    return parser


def _wanted(argv: list[str], available: list[str]) -> list[str]:
    verb = next((arg for arg in argv if not arg.startswith("-")), None)
    if verb is None:
        return [] if "--version" in argv and not {"-h", "--help"} & set(argv) else available
    module = COMMAND_PREFIX + verb.replace("-", "_")
    return [module] if module in available else available


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    from contractforge.errors import ContractForgeError  # after parsing: --version/--help never need it

    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_INVALID
    try:
        return int(args.func(args) or 0)
    except ContractForgeError as exc:
        print(exc.render(), file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug, not bad input: no traceback on the console, no secret either
        if os.environ.get("CONTRACTFORGE_DEBUG", "").strip().lower() in ("1", "true", "yes"):
            raise
        from contractforge_runtime.environment.secrets import redact

        detail = redact(f"{type(exc).__name__}: {exc}")
        print(
            f"error: internal error ({detail}); rerun with CONTRACTFORGE_DEBUG=1 and report it",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
