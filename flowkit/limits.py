"""How much memory one flowkit call may ask for: one setting for the whole package.

Every function that allocates in proportion to its arguments (walkers, steps,
cells, sites) estimates its memory *before* it starts and refuses with a
:class:`ValueError` that names the argument, the estimate and the limit, so a
typo like ``msd(10, 10**12)`` costs nothing instead of freezing a 2 GiB Binder.
Run time alone is never refused: long work runs in pieces that Ctrl-C (the
notebook's "interrupt kernel") stops within a second, with a progress bar.

The default limit is 1 GiB, which leaves room for the notebook itself on a
2 GiB Binder. Raise it for one block of code, or for the session:

>>> from flowkit import limits
>>> limits.memory_limit()
1073741824
>>> with limits.allow(memory="8 GiB"):
...     limits.memory_limit() == 8 * 2**30
True
>>> limits.memory_limit()  # back to the default
1073741824

``limits.set_memory_limit("4 GiB")`` changes it until further notice, and the
environment variable ``FLOWKIT_MEMORY_LIMIT`` (e.g. ``"4 GiB"``) sets the
default when flowkit is imported (a hub can size it per class).
"""

import math
import os
import re
from contextlib import contextmanager

__all__ = ["memory_limit", "set_memory_limit", "allow", "parse_size", "format_size", "check_memory"]

_UNITS = {
    "": 1,
    "b": 1,
    "kb": 10**3,
    "mb": 10**6,
    "gb": 10**9,
    "tb": 10**12,
    "kib": 2**10,
    "mib": 2**20,
    "gib": 2**30,
    "tib": 2**40,
}
_SIZE = re.compile(r"^\s*([0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)\s*([a-zA-Z]*)\s*$")

#: The limit when neither the environment nor the caller says otherwise.
DEFAULT_MEMORY = 2**30


def parse_size(value, name="memory"):
    """Bytes from a number of bytes or a string such as ``"8 GiB"`` or ``"500 MB"``.

    ``math.inf`` (or the string ``"unlimited"``) means no limit.

    >>> parse_size("1.5 GiB"), parse_size(4096), parse_size("2 GB")
    (1610612736, 4096, 2000000000)
    """
    if isinstance(value, str):
        text = value.strip().lower()
        if text in ("unlimited", "inf", "infinity", "none"):
            return math.inf
        found = _SIZE.match(value)
        unit = found.group(2).lower() if found else None
        if found is None or unit not in _UNITS:
            raise ValueError(
                f"{name} must be a number of bytes or a size such as '8 GiB', '500 MB' or 'unlimited'; got {value!r}"
            )
        nbytes = float(found.group(1)) * _UNITS[unit]
    elif isinstance(value, (bool,)) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number of bytes or a string such as '8 GiB'; got {value!r}")
    else:
        nbytes = value
    if nbytes == math.inf:
        return math.inf
    if not nbytes > 0 or math.isnan(nbytes):
        raise ValueError(f"{name} must be a positive size in bytes; got {value!r}")
    return int(nbytes)


def format_size(nbytes):
    """A byte count for people: ``format_size(3 * 2**30) == '3 GiB'``.

    >>> format_size(1536), format_size(7.3 * 2**40), format_size(12)
    ('1.5 KiB', '7.3 TiB', '12 bytes')
    """
    if nbytes == math.inf:
        return "unlimited"
    for unit, size in (("PiB", 2**50), ("TiB", 2**40), ("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if nbytes >= size:
            return f"{nbytes / size:.3g} {unit}"
    return f"{int(nbytes)} bytes"


def _from_environment():
    text = os.environ.get("FLOWKIT_MEMORY_LIMIT", "").strip()
    return parse_size(text, "FLOWKIT_MEMORY_LIMIT") if text else DEFAULT_MEMORY


_limit = _from_environment()


def memory_limit():
    """The current limit in bytes (``math.inf`` when unlimited)."""
    return _limit


def set_memory_limit(memory):
    """Set the limit for the rest of the session; returns the previous one (bytes).

    Parameters
    ----------
    memory : int, float or str
        Bytes, or a size such as ``"4 GiB"``; ``"unlimited"`` switches the check off.
    """
    global _limit
    previous = _limit
    _limit = parse_size(memory)
    return previous


@contextmanager
def allow(memory):
    """Raise (or lower) the memory limit inside a ``with`` block.

    Parameters
    ----------
    memory : int, float or str
        Bytes, or a size such as ``"8 GiB"``.

    Examples
    --------
    >>> from flowkit import limits
    >>> with limits.allow(memory="2 GiB"):
    ...     limits.format_size(limits.memory_limit())
    '2 GiB'
    """
    previous = set_memory_limit(memory)
    try:
        yield
    finally:
        set_memory_limit(previous)


def check_memory(function, terms):
    """Refuse a call whose memory estimate exceeds the limit, before it allocates.

    Parameters
    ----------
    function : str
        The public function's name, for the message.
    terms : list of (argument, value, nbytes, what)
        The estimate, one term per argument it grows with: the argument's name,
        the value passed (a string is shown as it is, a tuple as the shape of
        an array), the bytes that argument costs, and what they hold.

    Raises
    ------
    ValueError
        Naming the argument with the largest term, its value, the whole
        estimate and the limit, and how to raise the limit.

    Examples
    --------
    >>> check_memory("walk", [("n_walkers", 10**12, 8 * 10**12, "one int64 position per walker")])
    Traceback (most recent call last):
    ...
    ValueError: n_walkers = 1000000000000 would make walk() need about 7.28 TiB of memory (one int64 position per walker), more than flowkit's limit of 1 GiB. Make n_walkers smaller, or raise the limit for this call: with flowkit.limits.allow(memory="8 TiB"): ...
    """
    total = float(sum(term[2] for term in terms))
    limit = _limit
    if total <= limit:
        return total
    argument, value, _, what = max(terms, key=lambda term: term[2])
    if isinstance(value, tuple):
        shown = f"an array of shape {value}"
    else:
        shown = value if isinstance(value, str) else repr(value)
    # Suggest a round size above the estimate, in the largest unit that fits.
    suggestion = format_size(2.0 ** math.ceil(math.log2(total)))
    raise ValueError(
        f"{argument} = {shown} would make {function}() need about {format_size(total)} of memory ({what}), "
        f"more than flowkit's limit of {format_size(limit)}. Make {argument} smaller, or raise the limit "
        f'for this call: with flowkit.limits.allow(memory="{suggestion}"): ...'
    )
