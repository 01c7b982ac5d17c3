"""``python -m declutter.train {html,text} [options]``: rebuild a model file from ../shared data."""

from __future__ import annotations

import importlib
import sys


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help") or args[0] not in ("html", "text"):
        print("usage: python -m declutter.train {html,text} [--help | trainer options]", file=sys.stderr)
        return 0 if args and args[0] in ("-h", "--help") else 2
    module = importlib.import_module(f"declutter.train.{args[0]}")
    return int(module.main(args[1:]) or 0)


if __name__ == "__main__":
    sys.exit(main())
