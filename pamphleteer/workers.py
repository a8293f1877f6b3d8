"""Worker processes for parallel builds: each task's result in submission order, a task
whose process dies reported as failed (the other tasks go on), and workers that exit when the
build that started them is gone.

Processes start the same way on every system (``forkserver`` where it exists, else
``spawn``), never by a bare ``fork`` of a process that may hold threads and open files.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

WATCH_SECONDS = 1.0  # how often a worker checks that its build is still there


class Died(Exception):
    """The process running a task died (out of memory, killed, or crashed)."""


def cores() -> int:
    """The processors this process may run on (the default for ``-j``)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on this system
        return max(1, os.cpu_count() or 1)


def context() -> multiprocessing.context.BaseContext:
    """The start method used everywhere (forkserver with the engine preloaded, or spawn)."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        # Workers fork from a server that has imported the pipeline once.
        ctx.set_forkserver_preload(["pamphleteer.kit", "weasyprint", "weasyprint.text.fonts"])
        return ctx
    return multiprocessing.get_context("spawn")


def run_tasks(function: Callable, tasks: list[tuple], workers: int,
              costs: list[float] | None = None) -> Iterator[Any]:
    """``function(*task)`` for every task, in ``workers`` processes; yield, in task order,
    each result or the ``Died`` exception of a task whose process died. The costliest tasks
    (by ``costs``) start first, so that no long one is left to run alone at the end. A dead
    process takes down the tasks running beside it: those are tried again, one at a time, so
    that only the task that kills its process is reported."""
    retry: set[int] = set()
    pool = _pool(workers)
    order = sorted(range(len(tasks)), key=lambda i: -(costs[i] if costs else 0))
    try:
        pending: dict[int, Future] = {index: pool.submit(function, *tasks[index])
                                      for index in order}
        for index in range(len(tasks)):
            if index in retry:
                yield _alone(function, tasks[index])
                continue
            try:
                yield pending[index].result()
            except BrokenProcessPool:
                # Which task killed the pool is unknown: this one and every unfinished one
                # run again, each in a process of its own.
                retry |= {later for later in range(index + 1, len(tasks))
                          if not _succeeded(pending[later])}
                yield _alone(function, tasks[index])
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _succeeded(future: Future) -> bool:
    return future.done() and not future.cancelled() and future.exception() is None


def _alone(function: Callable, task: tuple) -> Any:
    """Run one task in a process of its own; its death is its own."""
    with _pool(1) as pool:
        try:
            return pool.submit(function, *task).result()
        except BrokenProcessPool:
            return Died("the process building this died: it ran out of memory or crashed")


def _pool(workers: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=workers, mp_context=context(),
                               initializer=_start_worker, initargs=(os.getpid(),))


def _start_worker(parent: int) -> None:
    """In each new worker: an end when the build that started it is gone."""
    if sys.platform == "linux":
        # The kernel kills this worker if the process that forked it (the forkserver, which
        # ends with the build) dies.
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    threading.Thread(target=_watch, args=(parent,), daemon=True).start()


def _watch(parent: int) -> None:
    """Exit as soon as the build process is gone (a worker must not outlive its build)."""
    while True:
        time.sleep(WATCH_SECONDS)
        try:
            os.kill(parent, 0)
        except (ProcessLookupError, PermissionError):  # gone (or its pid is another's now)
            os._exit(1)
