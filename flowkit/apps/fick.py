"""Chapter 2 app: Fick's law in a diffusion couple, Arrhenius D(T), and an ink drop.

Panels
------
1. Diffusion couple: two alloy bars joined at x = 0. The erf profile
   (:func:`flowkit.fick.interdiffusion_profile`), the local flux J(x)
   (:func:`flowkit.fick.flux`, right axis) and an arrow at the interface that
   always points *down* the gradient -- the minus sign in J = -D dn/dx.
2. Arrhenius plot: D = D0 exp(-Q / R T) (:func:`flowkit.fick.arrhenius`)
   against 1000/T with a marker at the chosen temperature. This D feeds
   panel 1.
3. Ink drop, in 1D (FTCS solution from a point source against the Gaussian
   :func:`flowkit.diffusion.gaussian`) or 2D (:func:`flowkit.diffusion.diffuse_2d`
   shown with ``imshow``).

Panel 1 is always shown; the ``panel`` toggle picks what sits beside it
(Arrhenius, ink 1D or ink 2D): a full redraw of two axes costs about 30-60 ms
on the busy two-core course machine, three axes half as much again. Most
moves repaint only the moving artists (median ~6-12 ms, see
``benchmarks/bench_apps.py``).

Cost and ``continuous_update``
------------------------------
The couple and Arrhenius controls are closed-form (microseconds):
``continuous_update=True``. The ink sliders run an explicit solver whose step
count grows with D t (up to ~3e4 steps on 801 cells in 1D, ~7e3 steps on
255 x 255 cells in 2D). The app keeps checkpoints every few hundred steps
(the state after k steps depends on k only, because r = D dt/dx^2 is held
fixed), so a move costs at most one checkpoint interval once the ladder is
built. In 1D that is about a millisecond and the sliders stay continuous; in
2D the first sweep to a long time costs up to about a second, so the ink
sliders switch to ``continuous_update=False`` while the 2D view is on.
"""

import ipywidgets as widgets
import numpy as np
from matplotlib.ticker import NullLocator

from .. import diffusion, fick, style
from .._jit import HAVE_NUMBA
from ._base import Drawn, SliderApp, float_slider, log_slider, nice_upper, one_numba_thread, quantity, set_limits

__all__ = ["FickApp", "fick_app"]

_UM = 1e-6  # m per micrometre: the couple's x axis is in µm
_KMOL = 1e3  # mol per kmol: the concentration sliders read kmol/m^3
_KJ = 1e3  # J per kJ
_HOUR = 3600.0  # s


class FickApp(SliderApp):
    """Diffusion couple with flux arrow, Arrhenius D(T), and the ink drop (1D/2D).

    Controls (``continuous_update`` in brackets):

    ``T`` [True]
        Annealing temperature, K (700-1400).
    ``Q_kJ`` [True]
        Activation energy, kJ/mol (100-300).
    ``D0`` [True]
        Arrhenius prefactor, m^2/s (log, 1e-6 to 1e-3).
    ``time_h`` [True]
        Annealing time, hours (log, 0.1 to 100).
    ``c_left``, ``c_right`` [True]
        Starting concentrations of the two bars, kmol/m^3 (0-150).
    ``panel`` [-]
        Right-hand panel: "Arrhenius", "ink 1D" or "ink 2D".
    ``D_ink`` [True in 1D, False in 2D]
        Diffusion coefficient of the ink, m^2/s (log, 1e-10 to 1e-8).
    ``t_ink`` [True in 1D, False in 2D]
        Time since the drop was placed, s (log, 10 to 1000).
    """

    name = "fick"
    view_control = "panel"
    #: the ink sliders act on the ink panels only (the others feed the couple, always on screen)
    view_controls = {"Arrhenius": (), "ink 1D": ("D_ink", "t_ink"), "ink 2D": ("D_ink", "t_ink")}
    figsize = (7.6, 3.8)

    # couple: fixed window, 1 µm spacing
    _x_um = np.linspace(-200.0, 200.0, 401)
    _T_grid = np.linspace(700.0, 1400.0, 120)
    # ink drop: a 20 mm tank; r held fixed so a state depends on the step count only
    _ink_width = 20e-3
    _r1 = 0.45
    _r2 = 0.24
    _n1 = 801 if HAVE_NUMBA else 401  # the NumPy fallback steps a coarser 1D grid (8x cheaper)
    _n2 = 255 if HAVE_NUMBA else 127  # the NumPy fallback (browser) gets a coarser 2D grid

    #: the 2D ink is too costly to follow the pointer: its sliders fire on release
    release_only = {"ink 2D": ("D_ink", "t_ink")}

    def __init__(self, **initial):
        super().__init__(**initial)
        # Load the ink kernels now (one tiny step each): a process's first jitted call
        # sets up numba's code generator (~0.4 s even from a warm cache), which belongs
        # to building the app, not to the first click on the ink panel.
        with one_numba_thread():
            diffusion.ftcs(np.zeros(3), 1e-9, 1e-4, 1.0, 1)
            diffusion.diffuse_2d(np.zeros((3, 3)), 1e-9, 1e-4, 1.0, 1)

    def _controls(self):
        return {
            "T": float_slider("temperature T (K)", 1000.0, 700.0, 1400.0, 10.0, fmt=".0f"),
            "Q_kJ": float_slider("activation Q (kJ/mol)", 150.0, 100.0, 300.0, 1.0, fmt=".0f"),
            "D0": log_slider("prefactor D₀ (m²/s)", 2e-5, 1e-6, 1e-3),
            "time_h": log_slider("anneal time (h)", 4.0, 0.1, 100.0),
            "c_left": float_slider("n left bar (kmol/m³)", 150.0, 0.0, 150.0, 1.0, fmt=".0f"),
            "c_right": float_slider("n right bar (kmol/m³)", 0.0, 0.0, 150.0, 1.0, fmt=".0f"),
            "panel": widgets.ToggleButtons(
                options=["Arrhenius", "ink 1D", "ink 2D"],
                value="Arrhenius",
                description="right panel",
                style={"button_width": "7em"},
            ),
            "D_ink": log_slider("ink D (m²/s)", 1e-9, 1e-10, 1e-8),
            "t_ink": log_slider("ink time (s)", 100.0, 10.0, 1000.0),
        }

    # ---------------------------------------------------------------- grids
    @property
    def dx1(self):
        return self._ink_width / (self._n1 - 1)

    @property
    def dx2(self):
        return self._ink_width / (self._n2 - 1)

    def ink_x(self):
        """Cell centres of the 1D ink grid, m (the middle cell is at 0)."""
        return (np.arange(self._n1) - self._n1 // 2) * self.dx1

    def ink_start_1d(self):
        """Unit amount in the middle cell: concentration 1/dx there, in 1/m."""
        c0 = np.zeros(self._n1)
        c0[self._n1 // 2] = 1.0 / self.dx1
        return c0

    def ink_start_2d(self):
        """A drop of radius 3 cells holding unit amount, in 1/m^2."""
        i = np.arange(self._n2) - self._n2 // 2
        disc = (i[:, None] ** 2 + i[None, :] ** 2) <= 9
        c0 = np.zeros((self._n2, self._n2))
        c0[disc] = 1.0 / (disc.sum() * self.dx2**2)
        return c0

    def ink_steps(self, D, t, dim):
        """(steps, dt) used for ink with coefficient D at time t in ``dim`` dimensions."""
        r = self._r1 if dim == 1 else self._r2
        dx = self.dx1 if dim == 1 else self.dx2
        dt = r * dx**2 / D
        return max(int(round(t / dt)), 1), dt

    # ---------------------------------------------------------------- figure
    def _build(self, fig, p):
        colors = style.colors()
        self._colors = colors
        gs = fig.add_gridspec(1, 2, width_ratios=[1.2, 1.0])
        ax = self.ax_couple = fig.add_subplot(gs[0])
        (self.profile_line,) = ax.plot([], [], color=colors[0], label="c(x, t)")
        ax.set_xlim(self._x_um[0], self._x_um[-1])
        ax.set_ylim(-5.0, 160.0)
        ax.set_xlabel("x (µm) from the joint")
        ax.set_ylabel("n (kmol/m³)")
        ax.set_title("diffusion couple")
        self.arrow = ax.annotate(
            "",
            xy=(60.0, 75.0),
            xytext=(0.0, 75.0),
            arrowprops=dict(arrowstyle="-|>", color=colors[3], lw=style.lw(1.67), mutation_scale=style.ms(3.0)),
        )
        self.arrow_label = ax.text(0.0, 88.0, "", ha="center", va="bottom", color=colors[3], fontsize="small")

        ax = self.ax_arr = fig.add_subplot(gs[1], label="arrhenius")
        (self.arr_line,) = ax.semilogy([], [], color=colors[0])
        (self.arr_marker,) = ax.semilogy([], [], "o", color=colors[3])
        ax.set_xlim(1000.0 / self._T_grid[-1], 1000.0 / self._T_grid[0])
        ax.set_xlabel("1000 / T (1/K)")
        ax.set_ylabel("D (m²/s)")
        ax.set_title("D = D₀ e^(−Q/RT)")
        ax.yaxis.set_minor_locator(NullLocator())  # minor log ticks cost a third of the redraw

        self.ax_ink1 = fig.add_subplot(gs[1], label="ink1d")
        ax = self.ax_ink1
        x_mm = self.ink_x() / 1e-3
        (self.ink_num,) = ax.plot([], [], ".", ms=style.ms(0.5), color=colors[0], label="FTCS (numerical)")
        (self.ink_exact,) = ax.plot([], [], "-", color=colors[1], label="Gaussian (exact)")
        ax.set_xlim(x_mm[0], x_mm[-1])
        ax.set_xlabel("x (mm)")
        ax.set_ylabel("n (1/m) per unit ink")
        ax.set_title("ink drop, 1D")
        ax.legend(loc="upper right", fontsize="small")

        self.ax_ink2 = fig.add_subplot(gs[1], label="ink2d")  # same slot: one of the three is shown
        half = self._ink_width / 2 / 1e-3
        self.ink_image = self.ax_ink2.imshow(
            np.zeros((self._n2, self._n2)),
            origin="lower",
            extent=(-half, half, -half, half),
            cmap="viridis",
            vmin=0.0,
            vmax=1.0,
            interpolation="nearest",
        )
        self.ax_ink2.set_xlabel("x (mm)")
        self.ax_ink2.set_ylabel("y (mm)")
        self.ax_ink2.set_title("ink drop, 2D (colour: n / n_max)")
        self.ax_ink2.grid(False)

    # ---------------------------------------------------------------- redraw
    def _redraw(self, p):
        T = p["T"]
        Q = p["Q_kJ"] * _KJ
        D = float(fick.arrhenius(p["D0"], Q, T))
        t = p["time_h"] * _HOUR
        cl, cr = p["c_left"] * _KMOL, p["c_right"] * _KMOL
        x = self._x_um * _UM

        couple_c = fick.interdiffusion_profile(x, t, D, cl, cr) / _KMOL
        couple_J = fick.flux(couple_c * _KMOL, x[1] - x[0], D)
        J0 = float(fick.interface_flux(t, D, cl, cr))
        self.profile_line.set_data(self._x_um, couple_c)

        # The arrow sits at the joint, at mid height, and points the way J points:
        # from the high side to the low side (down the gradient).
        y_mid = 0.5 * (p["c_left"] + p["c_right"])
        # The label sits on the side the curve has fallen away from, clear of it.
        if J0 > 0:
            tip, text = 70.0, "J = −D dn/dx\ndown the gradient"
        elif J0 < 0:
            tip, text = -70.0, "J = −D dn/dx\ndown the gradient"
        else:
            tip, text = 0.0, "no gradient, no flux"
        self.arrow.xy = (tip, y_mid)
        self.arrow.xyann = (0.0, y_mid)
        self.arrow.set_visible(J0 != 0)
        self.arrow_label.set_position((0.75 * tip if tip else 0.0, y_mid + 8.0))
        self.arrow_label.set_text(text)

        arr_D = fick.arrhenius(p["D0"], Q, self._T_grid)
        self.arr_line.set_data(1000.0 / self._T_grid, arr_D)
        self.arr_marker.set_data([1000.0 / T], [D])
        # whole decades: the limits move only when D0 or Q push the line past one
        lo, hi = float(arr_D.min()), float(arr_D.max())
        set_limits(self.ax_arr, y=(10.0 ** np.floor(np.log10(lo) - 0.2), 10.0 ** np.ceil(np.log10(hi) + 0.2)))

        values = {"D": D, "interface_flux": J0, "time": t}
        curves = {
            "x_um": self._x_um,
            "c_kmol_per_m3": couple_c,
            "J_mol_per_m2_s": couple_J,
            "inv_T_per_kK": 1000.0 / self._T_grid,
            "D_m2_per_s": arr_D,
        }
        lines = [
            quantity("D(T)", D, "m²/s") + " &nbsp; " + quantity("J at the joint", J0, "mol m⁻² s⁻¹"),
        ]
        ink = self._redraw_ink(p, values, curves)
        if ink:
            lines.append(ink)
        return Drawn("<br>".join(lines), values, curves)

    def _ladder(self, dim):
        """The kept ink states in ``dim`` dimensions (in the app's memo: one cache per app)."""
        start = self.ink_start_1d if dim == 1 else self.ink_start_2d
        # checkpoint interval: ~0.5 M cell updates in 1D, ~8 M in 2D
        every = 512 if dim == 1 else 128
        return self._memo(("ink ladder", dim), lambda: fick.StepLadder(start(), every))

    def _redraw_ink(self, p, values, curves):
        """Draw the ink panel on screen; add its numbers and curves; return its readout line."""
        D_ink, t_ink = p["D_ink"], p["t_ink"]
        panel = p["panel"]
        two_d = panel == "ink 2D"
        self.ax_arr.set_visible(panel == "Arrhenius")
        self.ax_ink1.set_visible(panel == "ink 1D")
        self.ax_ink2.set_visible(two_d)
        if panel == "Arrhenius":
            return ""
        if not two_d:
            steps, dt = self.ink_steps(D_ink, t_ink, 1)
            dx = self.dx1
            c = self._ladder(1).at(steps, lambda s, n: diffusion.ftcs(s, D_ink, dx, dt, n, bc="noflux"))
            x = self.ink_x()
            exact = diffusion.gaussian(x, steps * dt, D_ink, N=1.0)
            self.ink_num.set_data(x / 1e-3, c)
            self.ink_exact.set_data(x / 1e-3, exact)
            set_limits(self.ax_ink1, y=(0.0, nice_upper(1.05 * max(float(c.max()), float(exact.max())))))
            values.update(ink_peak=float(c.max()), ink_time=steps * dt, ink_steps=float(steps))
            curves.update(ink_x_m=x, ink_c_numerical_per_m=c, ink_c_gaussian_per_m=exact)
            return (
                quantity("ink time simulated", steps * dt, "s")
                + f" in {steps} FTCS steps &nbsp; "
                + quantity("peak", float(c.max()), "m⁻¹")
                + " &nbsp; "
                + quantity("exact peak", float(exact.max()), "m⁻¹")
            )
        steps, dt = self.ink_steps(D_ink, t_ink, 2)
        dx = self.dx2
        c = self._ladder(2).at(steps, lambda s, n: diffusion.diffuse_2d(s, D_ink, dx, dt, n, bc="noflux"))
        peak = float(c.max())
        self.ink_image.set_data(c / peak)
        values.update(ink_peak=peak, ink_time=steps * dt, ink_steps=float(steps))
        mid = self._n2 // 2  # the CSV holds the 2D field's middle row
        curves.update(ink_x_m=(np.arange(self._n2) - mid) * self.dx2, ink_c_midline_per_m2=c[mid])
        return (
            quantity("ink time simulated", steps * dt, "s") + f" in {steps} steps on a "
            f"{self._n2}×{self._n2} grid &nbsp; " + quantity("peak", peak, "m⁻²")
        )


def fick_app(**initial):
    """The chapter 2 app. Keyword arguments set starting control values
    (``T``, ``Q_kJ``, ``D0``, ``time_h``, ``c_left``, ``c_right``, ``panel``, ``D_ink``, ``t_ink``)."""
    return FickApp(**initial)
