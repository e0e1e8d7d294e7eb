"""Entry point of the ``contractforge`` console script.

Every ``contractforge.cli.command_<verb>`` module is discovered automatically and must expose
``register(subparsers) -> None``, adding its parser with ``set_defaults(func=<callable>)``.
The callable takes the parsed ``argparse.Namespace`` and returns the process exit code.

Exit codes: 0 success / valid, 1 the plan or the run has blockers or failures,
2 invalid input (a readable message, never a traceback).
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

from contractforge import __version__
from contractforge.errors import ContractForgeError

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_INVALID = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="contractforge",
        description="Compile YAML data contracts to Terraform + Glue/Iceberg run plans, run and audit them.",
    )
    parser.add_argument("--version", action="version", version=f"contractforge {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    package = importlib.import_module("contractforge.cli")
    for module_info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        if module_info.name.startswith("command_"):
            module = importlib.import_module(f"contractforge.cli.{module_info.name}")
            module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
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


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
