"""Shared helpers: fixture pages live in ../fixtures (small pages written for these tests, plus the seed)."""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

#: Byte sequences that show text was decoded with the wrong charset (UTF-8 read as cp1252, a stray BOM...).
MOJIBAKE_MARKERS: tuple[str, ...] = ("Ã", "â€", "Â", "ï»¿", "\ufffd", "ãƒ", "縺")


def fixture_path(name: str) -> Path:
    return FIXTURES / name


def read_bytes(name: str) -> bytes:
    return fixture_path(name).read_bytes()


def read_text(name: str) -> str:
    return fixture_path(name).read_text(encoding="utf-8")


def has_mojibake(text: str) -> list[str]:
    """The mojibake markers found in ``text`` (empty when clean)."""
    return [m for m in MOJIBAKE_MARKERS if m in text]
