"""Clean many records: in input order, one output per input, a failing record marked instead of fatal.

The work unit is one record's page (its ``field``); the record itself stays in the calling process, so only
the page travels to a worker and only the cleaned text comes back. Workers are separate processes (forkserver
or spawn, so safe beside threads), each holding at most ``depth`` pages at a time. Pages travel in chunks
(one message for several pages, which keeps the parent's per-record work small) and results come back one
by one, which lets the parent know which page a worker is on: a worker that exceeds ``timeout`` on a page is
killed and replaced, and one that dies is replaced and its page retried once. Memory stays flat because at
most ``window`` records are held.

Testing hook: the environment variable ``DECLUTTER_CLEAN_FN=module:function`` (or ``clean_fn=``) swaps
:func:`declutter.clean` for another function with the same signature. The tests use it to simulate pages
that hang or kill their worker; it is read once, in the parent process.
"""

from __future__ import annotations

import contextlib
import importlib
import multiprocessing as mp
import os
import queue
import selectors
import signal
import sys
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any, NamedTuple, TypeVar

from declutter.errors import DeclutterError, DecodeError

ERROR_FIELD = "declutter_error"
CLEAN_FN_ENV = "DECLUTTER_CLEAN_FN"
DEFAULT_WINDOW = 256
DEFAULT_WINDOW_BYTES = 64 * 1024 * 1024
#: Pages per message to a worker, and the bytes at which a chunk is sent early; a worker holds two chunks.
CHUNK = 8
CHUNK_BYTES = 1 << 20
#: How often (s) the feeding loop collects finished results while it still has records to hand out.
_COLLECT_EVERY = 0.02
_READY = "ready"
_MAX_START_FAILURES = 3

CleanFn = Callable[..., Any]
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class BatchOptions:
    """How every record of a batch is cleaned: the page options of :func:`declutter.clean`, plus fields."""

    field: str = "text"
    input_kind: str = "auto"
    favor: str = "balanced"
    threshold: float | None = None
    junk_field: str | None = None
    keep_original: str | None = None
    timeout: float | None = None


class Task(NamedTuple):
    """One page to clean; ``encoding``/``input_kind`` are hints a reader knows (HTTP charset, file suffix)."""

    seq: int
    page: str | bytes
    url: str | None = None
    encoding: str | None = None
    input_kind: str | None = None


class Outcome(NamedTuple):
    """What cleaning one page gave: the text, or an error kind and message (then ``text`` is None)."""

    seq: int
    text: str | None = None
    removed: str | None = None
    blocks_removed: int = 0
    chars_removed: int = 0
    error_kind: str | None = None
    error: str | None = None


@dataclass(slots=True)
class BatchStats:
    """Counters of a run: what went in, what came out, and why records were marked."""

    records_in: int = 0
    records_out: int = 0
    cleaned: int = 0
    chars_removed: int = 0
    blocks_removed: int = 0
    errors: Counter[str] = field(default_factory=Counter)

    def add(self, outcome: Outcome) -> None:
        self.records_out += 1
        if outcome.error_kind is not None:
            self.errors[outcome.error_kind] += 1
            return
        self.cleaned += 1
        self.chars_removed += outcome.chars_removed
        self.blocks_removed += outcome.blocks_removed

    def merge(self, other: BatchStats) -> None:
        self.records_in += other.records_in
        self.records_out += other.records_out
        self.cleaned += other.cleaned
        self.chars_removed += other.chars_removed
        self.blocks_removed += other.blocks_removed
        self.errors.update(other.errors)


# --------------------------------------------------------------------------- one record


def resolve_clean_spec(spec: str | CleanFn | None = None) -> str | CleanFn | None:
    """``spec``, else the testing hook $DECLUTTER_CLEAN_FN, else None (meaning :func:`declutter.clean`)."""
    return spec if spec is not None else os.environ.get(CLEAN_FN_ENV) or None


def resolve_clean_fn(spec: str | CleanFn | None = None) -> CleanFn:
    """The cleaning function: ``spec`` (callable or ``"module:function"``), $DECLUTTER_CLEAN_FN, or clean."""
    spec = resolve_clean_spec(spec)
    if spec is None:
        from declutter.core import clean

        return clean
    if callable(spec):
        return spec
    module, _, name = spec.partition(":")
    if not module or not name:
        raise ValueError(f"clean function must be given as 'module:function', not {spec!r}")
    return getattr(importlib.import_module(module), name)


def make_task(seq: int, record: Mapping[str, Any], opts: BatchOptions, *, encoding: str | None = None,
              input_kind: str | None = None) -> Task | Outcome:
    """The page of ``record`` to clean, or the error Outcome when its field is missing or not text."""
    if opts.field not in record:
        return Outcome(seq, error_kind="missing_field", error=f"record has no field {opts.field!r}")
    page = record[opts.field]
    if not isinstance(page, (str, bytes)):
        kind = type(page).__name__
        return Outcome(seq, error_kind="wrong_type", error=f"field {opts.field!r} is {kind}, not a string")
    url = record.get("url")
    return Task(seq, page, url if isinstance(url, str) else None, encoding, input_kind)


def run_task(fn: CleanFn, task: Task, opts: BatchOptions) -> Outcome:
    """Clean one page; any exception becomes an error Outcome so one bad page never stops a run."""
    kind = task.input_kind if opts.input_kind == "auto" and task.input_kind else opts.input_kind
    try:
        doc = fn(task.page, input_kind=kind, url=task.url,
                 encoding=task.encoding, favor=opts.favor, threshold=opts.threshold)
        junk = doc.junk_blocks
        removed = doc.removed
        return Outcome(task.seq, doc.text, removed if opts.junk_field else None, len(junk), len(removed))
    except DecodeError as e:
        return Outcome(task.seq, error_kind="undecodable", error=str(e))
    except DeclutterError as e:
        return Outcome(task.seq, error_kind="invalid_input", error=str(e))
    except Exception as e:  # a record's failure is data, not a crash of the run
        return Outcome(task.seq, error_kind="exception", error=f"{type(e).__name__}: {e}")


def as_text(value: Any, encoding: str | None = None) -> Any:
    """Bytes kept as the original of a failed record, made writable as text (undecodable bytes replaced)."""
    if isinstance(value, (bytes, bytearray)):
        try:
            return bytes(value).decode(encoding or "utf-8", errors="replace")
        except LookupError:
            return bytes(value).decode("utf-8", errors="replace")
    return value


def apply_outcome(record: Mapping[str, Any], outcome: Outcome, opts: BatchOptions,
                  encoding: str | None = None) -> dict[str, Any]:
    """The output record: all input fields, the cleaned field, and the optional/extra fields after them."""
    out = dict(record)
    original = out.get(opts.field)
    if opts.keep_original:
        out[opts.keep_original] = as_text(original, encoding)
    if outcome.error_kind is None:
        out[opts.field] = outcome.text
        if opts.junk_field:
            out[opts.junk_field] = outcome.removed
    else:
        if opts.field in out:
            out[opts.field] = as_text(original, encoding)
        if opts.junk_field:
            out[opts.junk_field] = None
        out[ERROR_FIELD] = f"{outcome.error_kind}: {outcome.error}"
    return out


# --------------------------------------------------------------------------- worker processes


def _worker_main(tasks: Any, results: Connection, fn_spec: str | CleanFn | None, opts: BatchOptions,
                 path: list[str]) -> None:
    """Worker loop: warm up (load models once), say ready, then clean pages until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides how a run ends
    parent = os.getppid()  # the caller (spawn) or the forkserver, which exits when the caller dies
    sys.path.extend(p for p in path if p not in sys.path)  # a forkserver may predate the caller's sys.path
    fn = resolve_clean_fn(fn_spec)
    run_task(fn, Task(-1, "<html><body><p>Warm up the models once per worker.</p></body></html>"), opts)
    run_task(fn, Task(-1, "Warm up the models once per worker."), opts)
    results.send(_READY)
    while True:
        try:
            chunk = tasks.get(timeout=1.0)
        except queue.Empty:
            if os.getppid() != parent:  # orphaned: the caller was killed without closing us
                return
            continue
        if chunk is None:
            return
        for task in chunk:
            results.send(run_task(fn, task, opts))


def _context(start_method: str | None) -> Any:
    """forkserver where there is one (a replacement worker starts in milliseconds, and no threads of the
    parent are forked), else spawn; both are safe beside threads. The server preloads the pipeline."""
    if start_method is None:
        start_method = "forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn"
    ctx = mp.get_context(start_method)
    if start_method == "forkserver":
        ctx.set_forkserver_preload(["declutter.batch", "declutter.core"])
    return ctx


@dataclass(slots=True)
class _Slot:
    proc: Any
    tasks: Any
    results: Connection
    assigned: deque[Task] = field(default_factory=deque)  # sent to the worker; the first is the one it is on
    outbox: list[Task] = field(default_factory=list)  # not sent yet: the next chunk
    ready: bool = False
    started: float = 0.0  # when the worker began its current page (as far as the parent can tell)

    @property
    def held(self) -> int:
        return len(self.assigned) + len(self.outbox)


class WorkerPool:
    """``workers`` processes, each with its own queues so that killing one never corrupts another's.

    Each worker holds at most ``depth`` pages (sent or waiting in its outbox); pages go out ``chunk`` at a
    time, or sooner when the worker is about to run dry or the caller is going to wait.
    """

    def __init__(self, workers: int, opts: BatchOptions, fn_spec: str | CleanFn | None = None, *,
                 chunk: int = CHUNK, start_method: str | None = None) -> None:
        self.opts = opts
        self.fn_spec = fn_spec
        self.chunk = max(1, chunk)
        self.depth = 2 * self.chunk
        self.ctx = _context(start_method)
        self.retried: set[int] = set()
        self.start_failures = 0
        self.slots = [self._start() for _ in range(workers)]
        self._selector: selectors.BaseSelector | None = None  # built on first wait, dropped when slots change

    def _start(self) -> _Slot:
        tasks = self.ctx.Queue()
        reader, writer = self.ctx.Pipe(duplex=False)
        args = (tasks, writer, self.fn_spec, self.opts, list(sys.path))
        proc = self.ctx.Process(target=_worker_main, args=args, daemon=True, name="declutter-worker")
        proc.start()
        writer.close()
        return _Slot(proc, tasks, reader)

    def has_room(self) -> bool:
        return any(s.held < self.depth for s in self.slots)

    def submit(self, task: Task) -> None:
        slot = min(self.slots, key=lambda s: s.held)
        slot.outbox.append(task)
        if len(slot.outbox) >= self.chunk or sum(len(t.page) for t in slot.outbox) >= CHUNK_BYTES:
            self._flush(slot)
        else:
            self._top_up(slot)

    def _top_up(self, slot: _Slot) -> None:
        """Send a worker its outbox when it is on its last page: it must never wait for a full chunk."""
        if len(slot.assigned) <= 1:
            self._flush(slot)

    def _flush(self, slot: _Slot) -> None:
        if not slot.outbox:
            return
        if not slot.assigned:
            slot.started = time.monotonic()
        slot.assigned.extend(slot.outbox)
        slot.tasks.put(slot.outbox)
        slot.outbox = []

    def poll(self, max_wait: float) -> list[Outcome]:
        """Wait up to ``max_wait`` s (less when a deadline is near) and return the Outcomes that arrived.

        No worker idles while the caller waits: ``submit`` and ``_drain`` already sent the outbox of every
        worker on its last page, and only they change what a worker holds.
        """
        wait_for = max_wait
        deadline = self._next_deadline()
        if deadline is not None:
            wait_for = max(0.0, min(max_wait, deadline - time.monotonic()))
        ready = self._wait(wait_for)
        out: list[Outcome] = []
        for i in sorted(ready):
            alive = self._drain(self.slots[i], out, everything=ready[i])
            if not alive or ready[i]:
                out += self._replace(i, "worker_died")
        out += self._expire()
        return out

    def _wait(self, timeout: float) -> dict[int, bool]:
        """The slots with a result to read or a dead worker (index -> died), waiting up to ``timeout`` s.

        One selector for the pool's lifetime (rebuilt when a worker is replaced): building one per call,
        as ``multiprocessing.connection.wait`` does, costs the parent more than reading a result.
        """
        if sys.platform == "win32":  # selectors cannot watch pipes there
            handles: list[Any] = [s.results for s in self.slots] + [s.proc.sentinel for s in self.slots]
            got = set(wait(handles, timeout=timeout))
            return {i: s.proc.sentinel in got for i, s in enumerate(self.slots)
                    if s.results in got or s.proc.sentinel in got}
        if self._selector is None:
            self._selector = selectors.DefaultSelector()
            for i, slot in enumerate(self.slots):
                self._selector.register(slot.results, selectors.EVENT_READ, (i, False))
                self._selector.register(slot.proc.sentinel, selectors.EVENT_READ, (i, True))
        ready: dict[int, bool] = {}
        for key, _ in self._selector.select(timeout):
            i, died = key.data
            ready[i] = ready.get(i, False) or died
        return ready

    def _forget_selector(self) -> None:
        if self._selector is not None:
            self._selector.close()
            self._selector = None

    def _drain(self, slot: _Slot, out: list[Outcome], *, everything: bool = False) -> bool:
        """Read the message the selector saw (more come on the next wait), or all of a dead worker's."""
        try:
            while True:
                msg = slot.results.recv()
                now = time.monotonic()
                if msg == _READY:
                    slot.ready, slot.started = True, now
                    self.start_failures = 0
                else:
                    head = slot.assigned.popleft()
                    assert head.seq == msg.seq, (head.seq, msg.seq)
                    slot.started = now
                    out.append(msg)
                if not everything or not slot.results.poll():
                    break
        except (EOFError, OSError):
            return False
        self._top_up(slot)
        return True

    def _next_deadline(self) -> float | None:
        if self.opts.timeout is None:
            return None
        times = [s.started + self.opts.timeout for s in self.slots if s.ready and s.assigned]
        return min(times, default=None)

    def _expire(self) -> list[Outcome]:
        if self.opts.timeout is None:
            return []
        now = time.monotonic()
        out: list[Outcome] = []
        for i, slot in enumerate(list(self.slots)):
            if slot.ready and slot.assigned and now - slot.started >= self.opts.timeout:
                out += self._replace(i, "timeout")
        return out

    def _replace(self, index: int, reason: str) -> list[Outcome]:
        """Kill slot ``index``, start a fresh worker, and settle the page it was on (mark or retry once)."""
        old = self.slots[index]
        self._forget_selector()
        _stop(old, kill=True)
        if not old.ready:
            self.start_failures += 1
            if self.start_failures > _MAX_START_FAILURES:
                raise RuntimeError("declutter workers keep dying before they are ready (see their stderr)")
        self.slots[index] = slot = self._start()
        pending = list(old.assigned)
        out: list[Outcome] = []
        if pending and old.ready:
            head = pending.pop(0)
            if reason == "timeout":
                out.append(Outcome(head.seq, error_kind="timeout",
                                   error=f"no result within {self.opts.timeout:g} s; worker killed"))
            elif head.seq in self.retried:
                out.append(Outcome(head.seq, error_kind="worker_died",
                                   error="the worker process died on this record twice"))
            else:
                self.retried.add(head.seq)
                pending.insert(0, head)
        slot.outbox = pending + old.outbox
        self._flush(slot)
        return out

    def discard(self) -> None:
        """Drop all pages in flight (a stream was abandoned): restart the workers that still hold some."""
        self._forget_selector()
        for i, slot in enumerate(self.slots):
            slot.outbox = []
            if slot.assigned:
                _stop(slot, kill=True)
                self.slots[i] = self._start()
        self.retried.clear()

    def close(self, *, kill: bool = False) -> None:
        self._forget_selector()
        for slot in self.slots:
            if not kill:
                with contextlib.suppress(OSError, ValueError):
                    slot.tasks.put(None)
        for slot in self.slots:
            _stop(slot, kill=kill)
        self.slots = []


def _stop(slot: _Slot, *, kill: bool) -> None:
    if kill:
        slot.proc.kill()
    slot.proc.join(timeout=5)
    if slot.proc.is_alive():
        slot.proc.kill()
        slot.proc.join()
    slot.tasks.cancel_join_thread()
    slot.tasks.close()
    slot.results.close()


# --------------------------------------------------------------------------- ordered stream


#: One item of a stream: what the caller keeps (the payload) and what to do (a Task, or a settled Outcome).
Work = tuple[T, "Task | Outcome"]


def clean_stream(items: Iterable[Work[T]], opts: BatchOptions, *, workers: int = 0,
                 clean_fn: str | CleanFn | None = None, window: int = DEFAULT_WINDOW,
                 window_bytes: int = DEFAULT_WINDOW_BYTES,
                 pool: WorkerPool | None = None) -> Iterator[tuple[T, Outcome]]:
    """Yield ``(payload, Outcome)`` for every item, in input order; ``workers=0`` cleans in this process.

    Items must carry increasing ``seq`` numbers. At most ``window`` items (and about ``window_bytes`` of
    pages) are held at once, whatever the input size. A caller-owned ``pool`` is reused (and left open),
    which saves starting workers for each file of a many-file run.
    """
    if workers <= 0 and pool is None:
        fn = resolve_clean_fn(clean_fn)
        for payload, work in items:
            yield payload, work if isinstance(work, Outcome) else run_task(fn, work, opts)
        return
    own = pool is None
    if pool is None:
        pool = WorkerPool(workers, opts, resolve_clean_spec(clean_fn))
    finished = False
    try:
        yield from _ordered(iter(items), pool, max(window, 2 * len(pool.slots) * pool.depth), window_bytes)
        finished = True
    finally:
        if own:
            pool.close(kill=not finished)
        elif not finished:
            pool.discard()


def _ordered(source: Iterator[Work[T]], pool: WorkerPool, window: int,
             window_bytes: int) -> Iterator[tuple[T, Outcome]]:
    """Feed the pool while it has room, and yield finished items strictly in input order.

    Results are collected (without waiting) every ``_COLLECT_EVERY`` s while records are read, so a slow
    source still sees its records come back promptly; the wait only happens when nothing more can be read.
    """
    pending: deque[tuple[int, int, T]] = deque()
    done: dict[int, Outcome] = {}
    held = 0
    exhausted = False
    collected = time.monotonic()
    while True:
        while not exhausted and len(pending) < window and held < window_bytes and pool.has_room():
            item = next(source, None)
            if item is None:
                exhausted = True
                break
            payload, work = item
            size = 0
            if isinstance(work, Outcome):
                done[work.seq] = work
            else:
                size = len(work.page)
                pool.submit(work)
            held += size
            pending.append((work.seq, size, payload))
            now = time.monotonic()
            if now - collected >= _COLLECT_EVERY:
                collected = now
                for outcome in pool.poll(0.0):
                    done[outcome.seq] = outcome
            while pending and pending[0][0] in done:
                seq, size, payload = pending.popleft()
                held -= size
                yield payload, done.pop(seq)
        while pending and pending[0][0] in done:
            seq, size, payload = pending.popleft()
            held -= size
            yield payload, done.pop(seq)
        if exhausted and not pending:
            return
        for outcome in pool.poll(0.5):
            done[outcome.seq] = outcome
        collected = time.monotonic()


# --------------------------------------------------------------------------- public API


def clean_records(records: Iterable[Mapping[str, Any]], *, field: str = "text", workers: int = 0,
                  timeout: float | None = None, input_kind: str = "auto", favor: str = "balanced",
                  threshold: float | None = None, junk_field: str | None = None,
                  keep_original: str | None = None, clean_fn: str | CleanFn | None = None,
                  stats: BatchStats | None = None) -> Iterator[dict[str, Any]]:
    """Clean ``record[field]`` of every record, yielding new dicts in input order (a lazy generator).

    A record whose field is missing, not a string, undecodable, failing, or slower than ``timeout`` seconds
    comes out unchanged plus a ``declutter_error`` field. ``workers=0`` runs in this process (no timeout);
    ``workers>=1`` uses that many processes. Pass a :class:`BatchStats` to collect counters.
    """
    opts = BatchOptions(field=field, input_kind=input_kind, favor=favor, threshold=threshold,
                        junk_field=junk_field, keep_original=keep_original, timeout=timeout)
    _check_options(opts)
    stats = stats if stats is not None else BatchStats()

    def items() -> Iterator[Work[Mapping[str, Any]]]:
        for seq, record in enumerate(records):
            if not isinstance(record, Mapping):
                raise TypeError(f"record {seq} is {type(record).__name__}, not a mapping")
            stats.records_in += 1
            yield record, make_task(seq, record, opts)

    for record, outcome in clean_stream(items(), opts, workers=workers, clean_fn=clean_fn):
        stats.add(outcome)
        yield apply_outcome(record, outcome, opts)


def _check_options(opts: BatchOptions) -> None:
    from declutter.settings import Options

    Options(input_kind=opts.input_kind, favor=opts.favor, threshold=opts.threshold)  # type: ignore[arg-type]
    if opts.timeout is not None and opts.timeout <= 0:
        raise ValueError(f"timeout must be positive, not {opts.timeout!r}")


class HFMapFn:
    """A picklable callable for ``datasets.Dataset.map(fn, batched=True)``: cleans one column of a batch.

    It returns the cleaned column plus ``declutter_error`` (None where cleaning worked), and the optional
    ``junk_field``/``keep_original`` columns. It cleans in the calling process: use ``map(num_proc=N)``.
    """

    def __init__(self, field: str = "text", **options: Any) -> None:
        self.opts = BatchOptions(field=field, **options)
        _check_options(self.opts)
        self._fn: CleanFn | None = None

    def __getstate__(self) -> dict[str, Any]:
        return {"opts": self.opts}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.opts, self._fn = state["opts"], None

    def __call__(self, batch: Mapping[str, list[Any]]) -> dict[str, list[Any]]:
        fn = self._fn = self._fn or resolve_clean_fn()
        opts = self.opts
        column = batch[opts.field]
        out: dict[str, list[Any]] = {opts.field: [], ERROR_FIELD: []}
        extra = [f for f in (opts.junk_field, opts.keep_original) if f]
        for name in extra:
            out[name] = []
        for seq, page in enumerate(column):
            work = make_task(seq, {opts.field: page}, opts)
            outcome = work if isinstance(work, Outcome) else run_task(fn, work, opts)
            row = apply_outcome({opts.field: page}, outcome, opts)
            for name in (opts.field, *extra):
                out[name].append(row.get(name))
            out[ERROR_FIELD].append(row.get(ERROR_FIELD))
        return out


def hf_map_fn(field: str = "text", **options: Any) -> HFMapFn:
    """``dataset.map(declutter.hf_map_fn(field="text"), batched=True)`` cleans a Hugging Face dataset."""
    return HFMapFn(field, **options)
