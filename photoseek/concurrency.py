"""Overlapping slow I/O with the main thread's work, with bounded memory."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def prefetch(
    fn: Callable[[T], R], items: Iterable[T], workers: int, ahead: int
) -> Iterator[tuple[T, Future[R]]]:
    """Map fn over items on worker threads, in order, never holding more than `ahead` results."""
    pending: list[tuple[T, Future[R]]] = []
    with ThreadPoolExecutor(workers) as pool:
        try:
            for item in items:
                pending.append((item, pool.submit(fn, item)))
                if len(pending) >= ahead:
                    yield pending.pop(0)
            while pending:
                yield pending.pop(0)
        finally:
            for _, future in pending:
                future.cancel()
