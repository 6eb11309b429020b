"""Long work in pieces: Ctrl-C that works, and a progress bar for the long runs.

A numba kernel holds the interpreter until it returns, so Python cannot act on
SIGINT (Ctrl-C, or Jupyter's "interrupt kernel") while it runs. The kernels of
flowkit therefore advance their state one *piece* at a time: a fixed budget of
elementary updates (about 0.1 s of work) per call, after which control comes
back to Python, which raises :class:`KeyboardInterrupt` if one is pending. The
random streams are counter-based, so the pieces give exactly the numbers a
single call would.

:class:`Progress` shows a bar (``tqdm.auto``: a widget in Jupyter, text in a
terminal) only once a run has lasted :data:`DELAY` seconds, so slider-sized
calls never import tqdm or draw anything. ``TQDM_DISABLE=1`` hides the bars.
"""

import time

__all__ = ["DELAY", "Progress", "pieces"]

#: Seconds a run must last before its progress bar appears.
DELAY = 2.0


def pieces(n, steps, budget, align=1, max_span=None):
    """Split an ``n`` x ``steps`` job into pieces ``(lo, hi, start, stop)``.

    Each piece covers items ``lo:hi`` (walkers, or a whole lattice when
    ``n`` is its size) over steps ``start:stop`` and holds at most about
    ``budget`` item-steps. Step boundaries are multiples of ``align`` (except
    the last, ``steps``) for kernels that draw random numbers in blocks. Steps
    are the outer loop: all items advance through a block of steps before the
    next block starts. A job within the budget (and within ``max_span``
    steps) is one piece: the fast path.

    >>> list(pieces(10, 100, 1000))
    [(0, 10, 0, 100)]
    >>> list(pieces(10, 100, 500))
    [(0, 10, 0, 50), (0, 10, 50, 100)]
    >>> list(pieces(100, 3, 128, align=2))[:3]
    [(0, 64, 0, 2), (64, 100, 0, 2), (0, 64, 2, 3)]
    """
    if n <= 0 or steps <= 0:
        return
    if n * steps <= budget and (max_span is None or steps <= max_span):
        yield 0, n, 0, steps
        return
    span = (budget // n) // align * align
    group = n
    if span < align:
        span = align
        group = max(1, budget // align)
    if max_span is not None:
        span = max(align, min(span, max_span // align * align))
    for start in range(0, steps, span):
        stop = min(start + span, steps)
        for lo in range(0, n, group):
            yield lo, min(lo + group, n), start, stop


class Progress:
    """Count work done; show a bar once the run has lasted :data:`DELAY` seconds.

    Use as a context manager around the loop over pieces::

        with Progress(total, "walk", "hops") as bar:
            for piece in pieces(...):
                ...
                bar.update(work_of_the_piece)
    """

    def __init__(self, total, desc, unit):
        self.total = total
        self.desc = desc
        self.unit = unit
        self.done = 0
        self.bar = None
        self.start = time.perf_counter()

    def update(self, amount):
        self.done += amount
        if self.bar is not None:
            self.bar.update(amount)
        elif self.done < self.total and time.perf_counter() - self.start > DELAY:
            from tqdm.auto import tqdm

            self.bar = tqdm(
                total=self.total, initial=self.done, desc=self.desc, unit=self.unit, unit_scale=True, leave=False
            )

    def close(self):
        if self.bar is not None:
            self.bar.close()
            self.bar = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False
