"""``contractforge local put FILE_OR_DIR s3://bucket/prefix/``: stage data for ``run --local``."""

from __future__ import annotations

import argparse


def register(subparsers) -> None:
    parser = subparsers.add_parser("local", help="local-runtime helpers (stage data under the local s3 root)")
    actions = parser.add_subparsers(dest="local_command", metavar="ACTION")
    put = actions.add_parser("put", help="copy a file or directory to where run --local reads an s3:// URI")
    put.add_argument("source", metavar="FILE_OR_DIR")
    put.add_argument("destination", metavar="S3_URI", help="s3://bucket/prefix/ (or a full object key)")
    put.add_argument(
        "--s3-root", default=".contractforge/s3", help="local root of s3:// (default .contractforge/s3)"
    )
    put.set_defaults(func=_put)
    parser.set_defaults(func=lambda args: (parser.print_help(), 2)[1])


def _put(args: argparse.Namespace) -> int:
    from contractforge.local.staging import put

    copies = put(args.source, args.destination, args.s3_root)
    for copy in copies:
        print(copy)
    print(f"staged {len(copies)} file(s) for {args.destination}")
    return 0
