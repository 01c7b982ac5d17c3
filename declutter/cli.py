"""The ``declutter`` command: clean pages from files or stdin; print text, markdown, JSON or an explanation.

``declutter clean INPUT... -o OUTPUT`` (dataset cleaning) is a separate command in ``declutter.batch_cli``;
it is imported only when asked for, so the single-page command never pays for it.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
from collections.abc import Sequence
from typing import IO

from declutter import __version__
from declutter.core import clean
from declutter.document import Block, Document
from declutter.errors import DeclutterError
from declutter.settings import FAVORS, INPUT_KINDS, Options

FORMATS: tuple[str, ...] = ("text", "markdown", "json")
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130

_GREEN, _RED, _DIM, _BOLD, _RESET = "\033[32m", "\033[31m", "\033[2m", "\033[1m", "\033[0m"


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="declutter",
        description="Print the main content of scraped web pages (HTML or plain text, any encoding).",
        epilog="Dataset cleaning: 'declutter clean INPUT... -o OUTPUT' (see 'declutter clean --help').",
    )
    p.add_argument("files", nargs="*", metavar="FILE", help="pages to clean; '-' or none reads stdin")
    p.add_argument("--format", "-f", choices=FORMATS, default="text",
                   help="output: the article text, markdown, or JSON (one line per page)")
    p.add_argument("--input-kind", choices=INPUT_KINDS, default="auto", help="treat input as HTML or text")
    p.add_argument("--encoding", metavar="E", help="charset of the bytes (e.g. from an HTTP header)")
    p.add_argument("--favor", choices=FAVORS, default="balanced",
                   help="trade-off: keep less junk (precision) or lose less content (recall)")
    p.add_argument("--threshold", type=_threshold, metavar="T",
                   help="score cut-off in 0..1 (overrides --favor)")
    p.add_argument("--url", metavar="U", help="the page's URL (recorded in JSON output)")
    p.add_argument("--explain", action="store_true",
                   help="show every block with its score, label and reasons instead of the article")
    p.add_argument("-o", "--output", metavar="OUT", help="write to this file instead of stdout")
    p.add_argument("--version", action="version", version=f"declutter {__version__}")
    return p


def _threshold(value: str) -> float:
    try:
        t = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if not 0.0 <= t <= 1.0:
        raise argparse.ArgumentTypeError(f"must be within 0..1, not {value}")
    return t


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit status (0 ok, 1 a page failed, 2 usage)."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list and args_list[0] == "clean":
        return _batch(args_list[1:])
    args = build_parser().parse_args(args_list)
    options = Options(input_kind=args.input_kind, url=args.url, encoding=args.encoding, favor=args.favor,
                      threshold=args.threshold)
    sources = args.files or ["-"]
    try:
        out, close = _open_output(args.output)
    except OSError as e:
        return _fail(f"cannot write {args.output}: {e.strerror or e}", EXIT_USAGE)
    try:
        return _run(sources, options, args, out)
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_OK
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    finally:
        if close:
            out.close()


def _run(sources: list[str], options: Options, args: argparse.Namespace, out: IO[str]) -> int:
    status = EXIT_OK
    colour = args.explain and args.output is None and _use_colour(out)
    written = 0
    for src in sources:
        try:
            doc = clean(_read(src), options=options)
        except OSError as e:
            status = _fail(f"{src}: cannot read: {e.strerror or e}", EXIT_FAILED)
            continue
        except DeclutterError as e:
            status = _fail(f"{src}: {e}", EXIT_FAILED)
            continue
        header = f"==> {src} <==\n" if len(sources) > 1 else ""
        _write(doc, args, out, first=written == 0, colour=colour, header=header, src=src)
        written += 1
    out.flush()
    return status


def _write(doc: Document, args: argparse.Namespace, out: IO[str], *, first: bool, colour: bool, header: str,
           src: str) -> None:
    """One page's result; for several pages, text and markdown get ``==> FILE <==`` headers, as ``head``."""
    if args.format == "json":
        out.write(_json_line(doc, src, explain=args.explain) + "\n")
        return
    if not first:
        out.write("\n")
    out.write(header)
    if args.explain:
        out.write(explain(doc, colour=colour, source=src))
        return
    body = doc.to_markdown() if args.format == "markdown" else doc.text
    out.write(body + "\n" if body else "")


def _json_line(doc: Document, src: str, *, explain: bool) -> str:
    import json

    d = {"source": src, **doc.to_dict(blocks=explain)}
    return json.dumps(d, ensure_ascii=False)


def explain(doc: Document, *, colour: bool = False, source: str | None = None) -> str:
    """Every block with score, label and reasons, one per line: the view for tuning or reporting a bug."""
    lines: list[str] = []
    head = f"# {source}: " if source else "# "
    lines.append(f"{head}{doc.input_kind}, encoding {doc.encoding or '-'}, threshold {doc.threshold:.2f}, "
                 f"{len(doc.content_blocks)}/{len(doc.blocks)} blocks kept, title: {doc.title or '-'}")
    for b in doc.blocks:
        lines.append(_explain_block(b, colour))
    return "\n".join(lines) + "\n"


def _explain_block(b: Block, colour: bool) -> str:
    mark = "+" if b.is_content else "-"
    text = b.text.replace("\n", " ⏎ ")
    if len(text) > 100:
        text = text[:99] + "…"
    reasons = ", ".join(b.reasons)
    line = f"{mark} {b.score:.2f} {b.label:<7} {b.kind:<9} {text}"
    if not colour:
        return f"{line}  [{reasons}]" if reasons else line
    tint = _GREEN if b.is_content else _RED
    text_tint = _BOLD if b.is_content else _DIM
    pre = f"{tint}{mark} {b.score:.2f} {b.label:<7}{_RESET} {b.kind:<9} "
    tail = f"  {_DIM}[{reasons}]{_RESET}" if reasons else ""
    return f"{pre}{text_tint}{text}{_RESET}{tail}"


def _use_colour(out: IO[str]) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(out, "isatty", None)
    return bool(isatty and isatty())


def _read(src: str) -> bytes:
    if src == "-":
        return sys.stdin.buffer.read()
    with open(src, "rb") as f:
        return f.read()


def _open_output(path: str | None) -> tuple[IO[str], bool]:
    if path is None or path == "-":
        return _utf8_stdout(), False
    return open(path, "w", encoding="utf-8", newline="\n"), True


def _utf8_stdout() -> IO[str]:
    """Stdout that can print any page: UTF-8 whatever the locale says."""
    stream = sys.stdout
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None and (stream.encoding or "").lower().replace("-", "") != "utf8":
        with contextlib.suppress(ValueError, OSError):
            reconfigure(encoding="utf-8")
    return stream


def _silence_stdout() -> None:
    """After a closed pipe (``declutter page.html | head``), stop Python complaining at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # pragma: no cover
        pass


def _fail(message: str, status: int) -> int:
    print(f"declutter: {message}", file=sys.stderr)
    return status


def _batch(argv: list[str]) -> int:
    try:
        batch_cli = importlib.import_module("declutter.batch_cli")
    except ModuleNotFoundError as e:
        if e.name != "declutter.batch_cli":
            raise  # batch_cli exists but one of its own imports is missing: show the real cause
        return _fail("'declutter clean' (dataset cleaning) is not available in this installation", EXIT_USAGE)
    result = batch_cli.main(argv)
    return int(result or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
