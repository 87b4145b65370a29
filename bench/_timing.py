"""Calls per second of an operation, shared by the benchmarks."""

import time


def rate(operation, seconds: float, *, batch: int = 50) -> float:
    """Calls per second of ``operation`` over about ``seconds`` (checked every ``batch``)."""
    count = 0
    start = time.perf_counter()
    deadline = start + seconds
    while True:
        for _ in range(batch):
            operation()
        count += batch
        now = time.perf_counter()
        if now >= deadline:
            return count / (now - start)
