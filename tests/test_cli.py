"""The ``declutter`` command as a user runs it: ``python -m declutter`` in a subprocess, files and pipes.

Most cases call ``cli.main`` in this process (fast); a few run the real entry point.
"""

from __future__ import annotations

import io
import json
import os
import pty
import subprocess
import sys
import types
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import fixture_path, read_bytes

import declutter
from declutter import cli

ARTICLE = fixture_path("article.html")
ANSI = "\x1b["


def run(*args: str | Path, stdin: bytes | None = None, env: dict[str, str] | None = None,
        cwd: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    full_env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "declutter", *map(str, args)],
        input=stdin if stdin is not None else b"",
        capture_output=True,
        env=full_env,
        cwd=cwd,
        timeout=120,
        check=False,
    )


class Result:
    """What an in-process run of ``cli.main`` printed, shaped like a finished subprocess."""

    def __init__(self, returncode: int, stdout: str, stderr: str) -> None:
        self.returncode = returncode
        self.stdout = stdout.encode("utf-8")
        self.stderr = stderr.encode("utf-8")


Main = Callable[..., Result]


@pytest.fixture
def main(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Main:
    """``cli.main`` in this process (fast); the subprocess tests cover the real entry point."""

    def call(*args: str | Path, stdin: bytes = b"") -> Result:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8"))
        try:
            code = cli.main([str(a) for a in args])
        except SystemExit as e:  # argparse: --help, --version, usage errors
            code = int(e.code or 0)
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return call


def out(p: subprocess.CompletedProcess[bytes] | Result) -> str:
    return p.stdout.decode("utf-8")


def err(p: subprocess.CompletedProcess[bytes] | Result) -> str:
    return p.stderr.decode("utf-8")


def test_text_output_is_the_article() -> None:
    p = run(ARTICLE)
    assert p.returncode == 0, err(p)
    assert out(p) == declutter.extract(read_bytes("article.html")) + "\n"
    assert err(p) == ""


def test_markdown_output(main: Main) -> None:
    p = main("--format", "markdown", fixture_path("structured.html"))
    assert p.returncode == 0, err(p)
    assert out(p) == declutter.clean(read_bytes("structured.html")).to_markdown() + "\n"
    assert "# How to Brew Tea at Home" in out(p).splitlines()


def test_json_output_is_one_object_per_line(main: Main) -> None:
    p = main("--format", "json", "--url", "https://example.org/ferry", ARTICLE)
    assert p.returncode == 0, err(p)
    lines = out(p).splitlines()
    assert len(lines) == 1
    d = json.loads(lines[0])
    expected = declutter.clean(read_bytes("article.html"))
    assert d["text"] == expected.text
    assert d["title"] == expected.title
    assert d["url"] == "https://example.org/ferry"
    assert d["source"] == str(ARTICLE)
    assert "blocks" not in d


def test_json_with_explain_carries_the_blocks(main: Main) -> None:
    d = json.loads(out(main("--format", "json", "--explain", ARTICLE)))
    assert len(d["blocks"]) == len(declutter.clean(read_bytes("article.html")).blocks)
    assert {"score", "label", "reasons"} <= set(d["blocks"][0])


def test_explain_is_plain_when_piped() -> None:
    p = run("--explain", ARTICLE)
    assert p.returncode == 0, err(p)
    text = out(p)
    assert ANSI not in text
    doc = declutter.clean(read_bytes("article.html"))
    lines = text.splitlines()
    assert len(lines) == len(doc.blocks) + 1  # a summary line, then one line per block
    for line, block in zip(lines[1:], doc.blocks, strict=True):
        assert line.startswith(f"{'+' if block.is_content else '-'} {block.score:.2f} {block.label}")
        if block.reasons:
            assert line.endswith("[" + ", ".join(block.reasons) + "]")


def _run_on_tty(*args: str | Path, env: dict[str, str] | None = None) -> str:
    """Run with stdout on a pseudo-terminal, as a person at a terminal would."""
    master, slave = pty.openpty()
    full_env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    full_env["TERM"] = "xterm"
    full_env.update(env or {})
    proc = subprocess.Popen([sys.executable, "-m", "declutter", *map(str, args)], stdin=subprocess.DEVNULL,
                            stdout=slave, stderr=subprocess.PIPE, env=full_env)
    os.close(slave)
    chunks: list[bytes] = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    assert proc.wait(timeout=120) == 0
    return b"".join(chunks).decode("utf-8")


def test_explain_is_coloured_on_a_terminal() -> None:
    small = fixture_path("article-utf16.html")
    assert ANSI in _run_on_tty("--explain", small)


def test_no_color_turns_colour_off_on_a_terminal() -> None:
    small = fixture_path("article-utf16.html")
    assert ANSI not in _run_on_tty("--explain", small, env={"NO_COLOR": "1"})


def test_reads_stdin_dash() -> None:
    p = run("-", stdin=read_bytes("article.html"))
    assert p.returncode == 0, err(p)
    assert out(p) == declutter.extract(read_bytes("article.html")) + "\n"


def test_reads_stdin_without_arguments(main: Main) -> None:
    p = main(stdin=read_bytes("article.html"))
    assert p.returncode == 0, err(p)
    assert out(p) == declutter.extract(read_bytes("article.html")) + "\n"


def test_stdin_bytes_are_decoded_by_declutter(main: Main) -> None:
    page = "<html><body><p>Le café de la gare sert une crème brûlée très appréciée des voyageurs.</p></body>"
    p = main("--encoding", "cp1252", stdin=page.encode("cp1252"))
    assert p.returncode == 0, err(p)
    assert "Le café de la gare sert une crème brûlée" in out(p)


def test_several_files_print_one_result_each(main: Main) -> None:
    files = [ARTICLE, fixture_path("plain-article.txt")]
    p = main(*files)
    assert p.returncode == 0, err(p)
    text = out(p)
    assert f"==> {files[0]} <==\n" in text and f"==> {files[1]} <==\n" in text
    order = [str(files[0]), "Ålvik", str(files[1]), "The village library reopened"]
    assert [text.index(s) for s in order] == sorted(text.index(s) for s in order)


def test_several_files_as_json_lines(main: Main) -> None:
    files = [ARTICLE, fixture_path("plain-article.txt"), fixture_path("article-cp1252.html")]
    p = main("--format", "json", *files)
    assert p.returncode == 0, err(p)
    rows = [json.loads(line) for line in out(p).splitlines()]
    assert [r["source"] for r in rows] == [str(f) for f in files]
    assert [r["input_kind"] for r in rows] == ["html", "text", "html"]


def test_output_file(main: Main, tmp_path: Path) -> None:
    target = tmp_path / "out.md"
    p = main("--format", "markdown", "-o", target, ARTICLE)
    assert p.returncode == 0, err(p)
    assert out(p) == ""
    expected = declutter.clean(read_bytes("article.html")).to_markdown() + "\n"
    assert target.read_text(encoding="utf-8") == expected


def test_options_are_passed_through(main: Main) -> None:
    page = read_bytes("article.html")
    assert out(main("--favor", "recall", ARTICLE)) == declutter.extract(page, favor="recall") + "\n"
    assert out(main("--threshold", "0.9", ARTICLE)) == declutter.extract(page, threshold=0.9) + "\n"
    as_text = out(main("--input-kind", "text", ARTICLE))
    assert declutter.clean(page, input_kind="text").input_kind == "text"
    assert as_text == declutter.extract(page, input_kind="text") + ("\n" if as_text else "")


def test_missing_file_fails_with_one_line_on_stderr(tmp_path: Path) -> None:
    p = run(tmp_path / "nope.html")
    assert p.returncode == 1
    assert out(p) == ""
    lines = err(p).splitlines()
    assert len(lines) == 1 and lines[0].startswith("declutter: ") and "nope.html" in lines[0]


def test_directory_is_an_unreadable_file(main: Main, tmp_path: Path) -> None:
    p = main(tmp_path)
    assert p.returncode == 1
    assert len(err(p).splitlines()) == 1


def test_binary_file_fails_with_one_line_on_stderr(main: Main, tmp_path: Path) -> None:
    pdf = tmp_path / "paper.pdf"
    pdf.write_bytes(b"%PDF-1.5\n%\xb5\xb5\xb5\xb5\n1 0 obj\n<<>>\nstream\n" + bytes(range(256)) * 4)
    p = main(pdf)
    assert p.returncode == 1
    lines = err(p).splitlines()
    assert len(lines) == 1 and "paper.pdf" in lines[0] and "binary" in lines[0]


def test_a_failed_first_file_leaves_no_gap(main: Main, tmp_path: Path) -> None:
    p = main(tmp_path / "missing.html", ARTICLE)
    assert p.returncode == 1
    assert out(p).startswith(f"==> {ARTICLE} <==\n")


def test_one_bad_file_does_not_stop_the_others(main: Main, tmp_path: Path) -> None:
    p = main("--format", "json", tmp_path / "missing.html", ARTICLE)
    assert p.returncode == 1
    assert len(out(p).splitlines()) == 1
    assert json.loads(out(p))["source"] == str(ARTICLE)
    assert len(err(p).splitlines()) == 1


def test_empty_input_prints_nothing_and_succeeds(main: Main) -> None:
    p = main("-", stdin=b"")
    assert p.returncode == 0
    assert out(p) == "" and err(p) == ""


@pytest.mark.parametrize("args", [("--threshold", "2"), ("--favor", "maximum"), ("--format", "pdf"),
                                  ("--no-such-flag",)])
def test_bad_arguments_exit_2(main: Main, args: tuple[str, ...]) -> None:
    p = main(*args, ARTICLE)
    assert p.returncode == 2
    assert out(p) == ""
    assert "usage:" in err(p)


def test_unknown_encoding_fails_cleanly(main: Main) -> None:
    p = main("--encoding", "klingon", ARTICLE)
    assert p.returncode == 1
    assert len(err(p).splitlines()) == 1 and "klingon" in err(p)


def test_version() -> None:
    p = run("--version")
    assert p.returncode == 0
    assert out(p).strip() == f"declutter {declutter.__version__}"


def test_help_names_every_option(main: Main) -> None:
    p = main("--help")
    assert p.returncode == 0
    flags = ("--format", "--input-kind", "--encoding", "--favor", "--threshold", "--url", "--explain", "-o",
             "--version", "clean")
    for flag in flags:
        assert flag in out(p)


def test_output_is_utf8_whatever_the_locale() -> None:
    p = run(ARTICLE, env={"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONIOENCODING": "ascii"})
    assert p.returncode == 0, err(p)
    assert "Marit Ødegård" in out(p)


def test_clean_subcommand_dispatches_to_batch_cli(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[list[str]] = []

    def fake_main(argv: list[str]) -> int:
        seen.append(argv)
        return 3

    fake = types.ModuleType("declutter.batch_cli")
    fake.main = fake_main  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "declutter.batch_cli", fake)
    monkeypatch.setattr(declutter, "batch_cli", fake, raising=False)
    assert cli.main(["clean", "in.jsonl", "-o", "out"]) == 3
    assert seen == [["in.jsonl", "-o", "out"]]


def test_clean_subcommand_without_batch_module_says_so(monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(sys.modules, "declutter.batch_cli", None)
    monkeypatch.delattr(declutter, "batch_cli", raising=False)
    assert cli.main(["clean", "in.jsonl", "-o", "out"]) == 2
    message = capsys.readouterr().err
    assert message.startswith("declutter: ") and "not available" in message
    assert len(message.splitlines()) == 1


def test_a_file_named_clean_in_second_place_is_a_file(main: Main, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "clean").write_bytes(read_bytes("plain-article.txt"))
    monkeypatch.chdir(tmp_path)
    p = main(ARTICLE, "clean")
    assert p.returncode == 0, err(p)
    assert "village library reopened" in out(p)
