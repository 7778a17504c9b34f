"""Command line of the signing library: ``python -m signing SUBCOMMAND``.

Each subcommand lives in its own module and registers itself through
``add_parser(subparsers)``; its handler returns the process exit code.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from typing import NoReturn

from signing import cli_receipt, cli_tl, cli_validate

USAGE_ERROR = 3


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors exit with code 3."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(USAGE_ERROR, f"{self.prog}: error: {message}\n")


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line and run the chosen subcommand."""
    parser = _Parser(prog="python -m signing", description=__doc__)
    subparsers = parser.add_subparsers(
        dest="command", required=True, parser_class=_Parser
    )
    cli_validate.add_parser(subparsers)
    cli_receipt.add_parser(subparsers)
    cli_tl.add_parser(subparsers)
    args = parser.parse_args(argv)
    _quiet_libraries()
    code: int = args.handler(args)
    return code


def _quiet_libraries() -> None:
    """Keep library tracebacks off stderr.

    pyHanko logs path-building and diff failures as warnings with their
    tracebacks; the verdict already says each in one plain sentence."""
    for name in ("pyhanko", "pyhanko_certvalidator"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


if __name__ == "__main__":
    sys.exit(main())
