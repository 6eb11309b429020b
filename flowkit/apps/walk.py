"""Chapter 3 app: a lattice random walk becomes diffusion.

Left panel: histogram of particle positions after ``steps`` steps (fraction
of particles per site) from :func:`flowkit.randomwalk.lattice_gas`, which
handles any particle number from 10 to 1e9 at the same cost, against the
diffusion Gaussian :func:`flowkit.diffusion.gaussian` with
D = p/2 sites²/step (:func:`flowkit.randomwalk.diffusion_coefficient` with
ell = tau = 1). Right panel: mean squared displacement of individually
stepped walkers (:func:`flowkit.randomwalk.msd`) against the line p t = 2 D t.
A gate between sites 0 and 1 counts net crossings (readout), next to the
Fick's-law expectation :func:`flowkit.randomwalk.gate_flux`.

Everything is in lattice units: sites and steps (ell = 1, tau = 1).

Cost and ``continuous_update``: all sliders continuous. The lattice gas runs
on a fixed lattice of 2 * 200 + 1 sites, so a run of k steps is the first k
steps of a longer run with the same seed -- pressing play shows one history
unfolding. Its cost is O(sites x steps): a few ms for 200 steps of 1e9
particles on one thread (the apps run kernels single-threaded, see
:mod:`flowkit.apps._base`). The MSD curve (up to 10 000 tracked walkers) is
computed once for the whole 200 steps and cached per (p, number, seed).
Axis limits snap to a 1-1.5-2-3-5-7 ladder, so most moves repaint only the
moving artists (median ~14 ms per move including the draw).
"""

import ipywidgets as widgets
import numpy as np

from .. import diffusion, randomwalk, style
from ._base import Drawn, SliderApp, float_slider, int_slider, log_slider, nice_upper, quantity, sci, set_limits

__all__ = ["WalkApp", "walk_app"]


class WalkApp(SliderApp):
    """Histogram vs Gaussian, MSD vs p t, and a gate counter, with a play button.

    Controls (all ``continuous_update=True``):

    ``p``
        Hop probability per step (0.05 to 1).
    ``n_walkers``
        Number of particles (log slider, 10 to 1e9; rounded to an integer).
    ``steps``
        Number of steps (1 to 200). ``app.play`` (an ``ipywidgets.Play``)
        drives it.

    Parameters
    ----------
    seed : int or None
        Seed of the random numbers (``app.seed``, a non-negative int); None draws
        a fresh one. The "new seed" button or :meth:`reseed` draws a new one later.
    """

    name = "walk"
    figsize = (7.6, 3.6)
    options = {"seed": 2024}
    max_steps = 200
    #: walkers stepped one by one for the MSD curve (at most)
    max_tracked = 10_000
    #: the fixed lattice, sites -max_steps..max_steps (a walker never gets further)
    _sites = np.arange(-max_steps, max_steps + 1)

    def __init__(self, **initial):
        super().__init__(**initial)
        self.play = widgets.Play(
            value=self.controls["steps"].value, min=1, max=self.max_steps, step=1, interval=150, description="play"
        )
        # Kernel-side link (not jslink), so the play control also drives the app headless.
        widgets.link((self.play, "value"), (self.controls["steps"], "value"))

    def _check_option(self, name, value):
        if name == "seed":
            return _check_seed(value)
        return value

    def _controls(self):
        return {
            "p": float_slider("hop probability p", 0.5, 0.05, 1.0, 0.05, fmt=".2f"),
            "n_walkers": log_slider("particles N", 1e4, 10.0, 1e9, step=0.25, fmt=".3g"),
            "steps": int_slider("steps t", 100, 1, self.max_steps),
        }

    def _extra_widgets(self):
        return [self.play]

    def _extra_buttons(self):
        button = widgets.Button(description="new seed", icon="random", tooltip="draw a new random history")
        button.on_click(lambda _b: self.reseed())
        return [button]

    def reseed(self, seed=None):
        """Use ``seed`` (or a fresh random one) and redraw; returns the seed now in use."""
        self.seed = _check_seed(seed)
        self._refresh()
        return self.seed

    # ---------------------------------------------------------------- helpers
    def n_particles(self, value=None):
        """The particle number the slider value stands for (an int)."""
        value = self.controls["n_walkers"].value if value is None else value
        return int(round(value))

    def start_counts(self, n):
        """All ``n`` particles on site 0 of the fixed lattice."""
        counts = np.zeros(self._sites.size, dtype=np.int64)
        counts[self.max_steps] = n
        return counts

    def gas(self, p, n, steps):
        """(counts, net gate crossings per step) after ``steps`` steps of this history (cached)."""
        return self._memo(
            ("gas", p, n, steps, self.seed),
            lambda: randomwalk.lattice_gas(
                self.start_counts(n), steps, p, seed=self.seed, bc="noflux", gate=self.max_steps
            ),
        )

    def msd_curve(self, p, n):
        """MSD after 0..max_steps steps of min(n, max_tracked) walkers (cached)."""
        tracked = min(n, self.max_tracked)
        return self._memo(
            ("msd", p, tracked, self.seed), lambda: randomwalk.msd(tracked, self.max_steps, p, seed=self.seed)
        )

    # ---------------------------------------------------------------- figure
    def _build(self, fig, p):
        colors = style.colors()
        self.ax_hist, self.ax_msd = fig.subplots(1, 2, width_ratios=[1.3, 1.0])
        ax = self.ax_hist
        edges = np.arange(-self.max_steps, self.max_steps + 2) - 0.5
        self.hist = ax.stairs(np.zeros(self._sites.size), edges, color=colors[0], lw=style.lw(0.8), label="lattice gas")
        (self.gauss_line,) = ax.plot([], [], color=colors[1], label="Gaussian")
        self.gate_line = ax.axvline(0.5, color=colors[3], lw=style.lw(0.67), ls=":", label="gate")
        ax.set_xlabel("position x (sites)")
        ax.set_ylabel("fraction per site")
        ax.legend(loc="upper right", fontsize="small")

        ax = self.ax_msd
        steps = np.arange(self.max_steps + 1)
        (self.msd_line,) = ax.plot([], [], color=colors[0], label="walkers")
        (self.theory_line,) = ax.plot([], [], "--", color=colors[1], label="p t")
        (self.hist_marker,) = ax.plot([], [], "o", color=colors[3], label="histogram")
        ax.set_xlim(0, self.max_steps)
        ax.set_ylim(0, self.max_steps * 1.25)
        ax.set_xlabel("step t")
        ax.set_ylabel("⟨x²⟩ (sites²)")
        ax.legend(loc="upper left", fontsize="small")
        self._steps_axis = steps

    def _redraw(self, p):
        prob, steps = p["p"], int(p["steps"])
        n = self.n_particles(p["n_walkers"])
        gate = self.max_steps  # index of site 0: the gate sits between x = 0 and x = 1
        counts, crossings = self.gas(prob, n, steps)
        # The gate's expectation comes from the counts *before* the last step (the first
        # steps - 1 steps of the same history): the counts after it already hold its crossings.
        before = self.gas(prob, n, steps - 1)[0]
        D = float(randomwalk.diffusion_coefficient(prob, 1.0, 1.0))
        fraction = counts / n
        gaussian = diffusion.gaussian(self._sites.astype(float), float(steps), D, N=1.0)
        self.hist.set_data(fraction)
        self.gauss_line.set_data(self._sites, gaussian)
        # limits snapped to a 1-1.5-2-3-5-7 ladder: they (and the tick labels) change rarely
        half = min(nice_upper(max(4.0 * np.sqrt(prob * steps), 8.0)), float(self.max_steps))
        set_limits(
            self.ax_hist, x=(-half, half), y=(0.0, nice_upper(1.1 * max(float(fraction.max()), float(gaussian.max()))))
        )

        n_tracked = min(n, self.max_tracked)
        curve = self.msd_curve(prob, n)
        msd_t = self._steps_axis[: steps + 1]
        msd_theory = prob * self._steps_axis
        self.msd_line.set_data(msd_t, curve[: steps + 1])
        self.theory_line.set_data(self._steps_axis, msd_theory)
        msd_hist = randomwalk.msd_from_counts(self._sites, counts)
        self.hist_marker.set_data([steps], [msd_hist])

        left, right = int(before[gate]), int(before[gate + 1])
        expected = float(randomwalk.gate_flux(left, right, prob, 1.0, 1.0))
        spread = randomwalk.gate_crossings_sd(left, right, prob)
        # sigma/|E| falls as 1/sqrt(N): the N at which one sigma is 5 % of the expectation
        n_5_percent = n * (spread / (0.05 * abs(expected))) ** 2 if expected else float("inf")
        v = {
            "N": float(n),
            "D": D,
            "msd_walkers": float(curve[steps]),
            "msd_theory": prob * steps,
            "msd_histogram": msd_hist,
            "net_crossings_last": float(crossings[-1]),
            "net_crossings_total": float(crossings.sum()),
            "gate_flux_expected": expected,
            "gate_flux_sd": spread,
            "gate_N_for_5_percent": n_5_percent,
        }
        readout = "<br>".join(
            [
                f"<b>N</b> = {n:,} particles; MSD from {n_tracked:,} walkers stepped one by one &nbsp; "
                + quantity("D", D, "sites²/step"),
                quantity("⟨x²⟩ walkers", v["msd_walkers"], "sites²")
                + " &nbsp; "
                + quantity("histogram", msd_hist, "sites²")
                + " &nbsp; "
                + quantity("p t", v["msd_theory"], "sites²"),
                f"<b>gate 0|1</b>: net crossings in the last step = {int(crossings[-1]):,} "
                f"(since the start {int(crossings.sum()):,}); &nbsp; "
                + quantity("Fick from the counts before it: (p/2)(N₀ − N₁)", expected)
                + f" ± {sci(spread)} particles/step (1σ); "
                + (
                    f"σ is 5 % of it from N ≈ {sci(n_5_percent, 2)}"
                    if np.isfinite(n_5_percent)
                    else "no gradient at the gate: nothing to expect"
                ),
            ]
        )

        curves = {
            "x_sites": self._sites,
            "fraction_per_site": fraction,
            "gaussian_per_site": gaussian,
            "t_steps": msd_t,
            "msd_walkers_sites2": curve[: steps + 1],
            "msd_theory_sites2": msd_theory[: msd_t.size],
            "gate_net_crossings_per_step": crossings,
        }
        return Drawn(readout, v, curves)


def _check_seed(seed):
    """A seed for the app: a non-negative int kept as it is, or None for a fresh one."""
    if seed is None:
        return int(np.random.SeedSequence().entropy % 2**31)
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative int or None (a fresh one); got {seed!r}")
    return int(seed)


def walk_app(seed=2024, **initial):
    """The chapter 3 app. ``seed`` fixes the random history (None: a fresh one); other
    keywords set starting control values (``p``, ``n_walkers``, ``steps``)."""
    return WalkApp(seed=seed, **initial)
