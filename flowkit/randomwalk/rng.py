"""Counter-based random numbers and an exact binomial sampler, inside numba kernels.

SplitMix64 (Steele, Lea & Flood 2014) is a Weyl sequence ``s_k = s_0 + k
gamma`` passed through a bijective mixer. Draw ``k`` of a stream is therefore
a pure function of ``(s_0, k)``: a kernel can jump to any point of a stream in
one multiply, which is what lets flowkit split long work into pieces (along
walkers, steps or sites) and still give the same numbers for the same seed,
however the work is divided among threads or interrupted calls.

:func:`binomial` draws ``Binomial(n, p)`` exactly from such a stream: sequential
inversion for a small mean, Hormann's BTRD transformed rejection otherwise.

Every function here is a kernel (compiled by :func:`flowkit._jit.jit`); the
public random-walk functions live in :mod:`flowkit.randomwalk`.
"""

import numpy as np

from flowkit._jit import jit

__all__ = [
    "GAMMA",
    "hop_threshold",
    "mix",
    "uniform",
    "popcount",
    "binomial",
    "binomial_many",
]

# One add on the critical path per draw lets the CPU overlap draws, which is
# what makes SplitMix64 several times faster than calling back into NumPy.
GAMMA = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S11 = np.uint64(11)
_ONE = np.uint64(1)
_TWO_POW_32 = 4294967296.0
_INV_2_53 = 1.0 / 9007199254740992.0

# log(k!) minus its Stirling approximation, for k = 0..9 (Hormann 1993, as used
# by TensorFlow's binomial sampler); larger k use the asymptotic series.
_STIRLING_TAIL = np.array(
    [
        0.0810614667953272,
        0.0413406959554092,
        0.0276779256849983,
        0.02079067210376509,
        0.0166446911898211,
        0.0138761288230707,
        0.0118967099458917,
        0.0104112652619720,
        0.00925546218271273,
        0.00833056343336287,
    ]
)


def hop_threshold(p):
    """The 32-bit threshold of a hop with probability ``p`` (a uint64).

    A hop happens when a uniform 32-bit integer u satisfies u < round(p 2^32):
    p is honoured to 2^-32 and no float is drawn. p = 1 gives 2^32 (always).
    """
    return np.uint64(round(p * _TWO_POW_32))


@jit
def mix(z):
    """SplitMix64's bijective 64-bit mixer (the output function of the generator)."""
    z = (z ^ (z >> _S30)) * _MIX1
    z = (z ^ (z >> _S27)) * _MIX2
    return z ^ (z >> _S31)


@jit
def uniform(s):
    """Advance state ``s``; return (new state, uniform float in the open (0, 1))."""
    s = s + GAMMA
    return s, (np.float64(mix(s) >> _S11) + 0.5) * _INV_2_53


@jit
def popcount(x):
    """Number of set bits of a uint64 (SWAR bit count, Hacker's Delight 5-2)."""
    x = x - ((x >> _ONE) & np.uint64(0x5555555555555555))
    x = (x & np.uint64(0x3333333333333333)) + ((x >> np.uint64(2)) & np.uint64(0x3333333333333333))
    x = (x + (x >> np.uint64(4))) & np.uint64(0x0F0F0F0F0F0F0F0F)
    return np.int64((x * np.uint64(0x0101010101010101)) >> np.uint64(56))


@jit
def _stirling_tail(k):
    if k <= 9.0:
        return _STIRLING_TAIL[int(k)]
    # 1/(12 x) - 1/(360 x^3) + 1/(1260 x^5) with x = k + 1, one division.
    x = 1.0 / (k + 1.0)
    x2 = x * x
    return x * (1.0 / 12.0 - x2 * (1.0 / 360.0 - x2 * (1.0 / 1260.0)))


@jit
def _binomial_inversion(n, p, s):
    """Binomial(n, p) by sequential inversion; fast when n p < 10 (p <= 1/2)."""
    q = 1.0 - p
    qn = np.exp(n * np.log1p(-p))
    mean = n * p
    bound = min(float(n), mean + 10.0 * np.sqrt(mean * q + 1.0))
    s, u = uniform(s)
    k = 0
    px = qn
    while u > px:
        k += 1
        if k > bound:
            # Round-off left a sliver of probability unassigned: start again.
            k = 0
            px = qn
            s, u = uniform(s)
        else:
            u -= px
            px = ((n - k + 1) * p * px) / (k * q)
    return k, s


@jit
def _binomial_btrd(n, p, s):
    """Binomial(n, p) by transformed rejection with decomposition (BTRD).

    Hormann (1993), "The generation of binomial random variates", J. Statist.
    Comput. Simul. 46, 101-110. Exact for p <= 1/2 and (n + 1) p >= 11. About
    four draws in five come from one uniform with no test at all; most of the
    rest are settled by a ratio recursion (|k - m| <= 15) or by a squeeze
    around the Gaussian log-ratio, so the Stirling-series test with its
    logarithms is rare, whatever n is.
    """
    nf = float(n)
    q = 1.0 - p
    r = p / q
    nr = (nf + 1.0) * r
    npq = nf * p * q
    spq = np.sqrt(npq)
    b = 1.15 + 2.53 * spq
    a = -0.0873 + 0.0248 * b + 0.01 * p
    c = nf * p + 0.5
    v_r = 0.92 - 4.2 / b
    m = np.floor((nf + 1.0) * p)
    while True:
        s, v = uniform(s)
        if v <= 0.86 * v_r:
            # The box |u| <= 0.43, v <= v_r is accepted whole, so v alone
            # carries a uniform u there.
            u = v / v_r - 0.43
            return np.int64(np.floor((2.0 * a / (0.5 - abs(u)) + b) * u + c)), s
        if v >= v_r:
            s, u = uniform(s)
            u -= 0.5
        else:
            u = v / v_r - 0.93
            u = (0.5 if u >= 0.0 else -0.5) - u
            s, v = uniform(s)
            v *= v_r
        us = 0.5 - abs(u)
        k = np.floor((2.0 * a / us + b) * u + c)
        if k < 0.0 or k > nf:
            continue
        v = v * (2.83 + 5.1 / b) * spq / (a / (us * us) + b)
        km = abs(k - m)
        if km <= 15.0:
            # f(k)/f(m) by the pmf ratio recursion f(i)/f(i-1) = nr/i - r.
            f = 1.0
            if m < k:
                i = m
                while i < k:
                    i += 1.0
                    f *= nr / i - r
            elif m > k:
                i = k
                while i < m:
                    i += 1.0
                    v *= nr / i - r
            if v <= f:
                return np.int64(k), s
            continue
        v = np.log(v)
        # Squeeze: log f(k)/f(m) lies within rho of the Gaussian -km²/(2npq).
        rho = (km / npq) * (((km / 3.0 + 0.625) * km + 1.0 / 6.0) / npq + 0.5)
        t = -km * km / (2.0 * npq)
        if v < t - rho:
            return np.int64(k), s
        if v > t + rho:
            continue
        # Exact test, log-factorials from Stirling's series.
        nm = nf - m + 1.0
        h = (m + 0.5) * np.log((m + 1.0) / (r * nm)) + _stirling_tail(m) + _stirling_tail(nf - m)
        nk = nf - k + 1.0
        bound = (
            h
            + (nf + 1.0) * np.log(nm / nk)
            + (k + 0.5) * np.log(nk * r / (k + 1.0))
            - _stirling_tail(k)
            - _stirling_tail(nf - k)
        )
        if v <= bound:
            return np.int64(k), s


@jit
def binomial(n, p, s):
    """Exact Binomial(n, p) draw from SplitMix64 state ``s``; returns (k, s)."""
    if n <= 0 or p <= 0.0:
        return np.int64(0), s
    if p >= 1.0:
        return np.int64(n), s
    flip = p > 0.5
    q = 1.0 - p if flip else p
    if (n + 1) * q < 11.0:
        k, s = _binomial_inversion(n, q, s)
    else:
        k, s = _binomial_btrd(n, q, s)
    if flip:
        k = n - k
    return np.int64(k), s


@jit
def binomial_many(n, p, key, out):
    """Fill ``out`` with Binomial(n, p) draws from one stream (used to test the sampler)."""
    s = key
    for i in range(out.shape[0]):
        out[i], s = binomial(n, p, s)
    return out
