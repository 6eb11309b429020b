"""Chapter 5 app: momentum diffuses like ink; a cold Fermi gas still effuses.

View "momentum vs ink" (two panels side by side, one solver):

* left: a fluid layer of width h = 10 mm whose wall at y = 0 starts moving
  at U; u(y, t)/U from :func:`flowkit.analogies.couette_startup` (exact) and
  :func:`flowkit.analogies.couette_startup_numerical` (Crank-Nicolson, the
  ink solver of chapter 2), with the kinematic viscosity nu as D;
* right: ink held at c0 at y = 0 and removed at y = h, c(y, t)/c0 from the
  explicit ink solver :func:`flowkit.diffusion.ftcs` (fixed ends) and from
  the very same closed form (``couette_startup`` with D in place of nu).
  Set nu = D and the two panels coincide.

View "Fermi effusion": flux through a small hole from an electron gas of
density n, from :func:`flowkit.analogies.effusion_flux_fd`, divided by the
cold limit (3/16) n v_F (:func:`flowkit.analogies.fermi_effusion_flux`) and by
the Maxwell value n<v>/4 (:func:`flowkit.flux.effusion_flux`). The first
ratio is 1 when cold, the second 1 when hot; a marker sits at the chosen T.

Cost and ``continuous_update``: all closed forms take well under a
millisecond; the Crank-Nicolson Couette run is 100 small solves (a few ms)
and the explicit ink run up to ~5e4 steps on 51 cells (a few ms with numba),
so every slider is ``continuous_update=True``.
"""

import ipywidgets as widgets
import numpy as np
from scipy.constants import Boltzmann as K_B
from scipy.constants import m_e as ELECTRON_MASS

from .. import analogies, diffusion, style
from .. import flux as fluxmod
from ._base import Drawn, SliderApp, log_slider, quantity

__all__ = ["AnalogiesApp", "analogies_app"]

_MM = 1e-3


class AnalogiesApp(SliderApp):
    """Couette start-up next to ink spreading; Fermi vs Maxwell effusion.

    Controls (all ``continuous_update=True``):

    ``view``
        "momentum vs ink" or "Fermi effusion".
    ``nu``
        Kinematic viscosity, m^2/s (log, 1e-7 to 1e-5; water 1e-6).
    ``D``
        Diffusion coefficient of the ink, m^2/s (log, 1e-10 to 1e-5; a small molecule
        in water 1e-9: the default, so the Schmidt number nu / D starts at 1e3).
    ``t``
        Time since the wall started / the ink was let in, s (log, 0.1 to 100).
    ``T``
        Electron temperature, K (log, 10 to 1e7).
    ``n``
        Electron density, 1/m^3 (log, 1e24 to 1e29; copper 8.5e28).
    """

    name = "analogies"
    view_control = "view"
    view_controls = {"momentum vs ink": ("nu", "D", "t"), "Fermi effusion": ("T", "n")}
    figsize = (7.6, 3.6)
    gap = 10 * _MM  # m
    cells = 51
    cn_steps = 100
    _T_grid = np.logspace(1.0, 7.0, 160)

    def _controls(self):
        return {
            "view": widgets.ToggleButtons(
                options=["momentum vs ink", "Fermi effusion"],
                value="momentum vs ink",
                description="view",
                style={"button_width": "11em"},
            ),
            "nu": log_slider("viscosity ν (m²/s)", 1e-6, 1e-7, 1e-5),
            # a solute in water (~1e-9 m^2/s) next to water's viscosity: Schmidt number ~1e3 by default
            "D": log_slider("ink D (m²/s)", 1e-9, 1e-10, 1e-5),
            "t": log_slider("time t (s)", 10.0, 0.1, 100.0),
            "T": log_slider("electron T (K)", 300.0, 10.0, 1e7),
            "n": log_slider("electron n (m⁻³)", 8.5e28, 1e24, 1e29),
        }

    # ---------------------------------------------------------------- physics calls
    def grid(self):
        """Points across the gap, m, the end points on the walls."""
        return np.linspace(0.0, self.gap, self.cells)

    def ink_numerical(self, D, t):
        """c/c0 from :func:`flowkit.diffusion.ftcs`; returns (c, steps, dt)."""
        y = self.grid()
        dx = y[1] - y[0]
        steps, dt = diffusion.ftcs_steps(t, D, dx)
        c0 = np.zeros(self.cells)
        c0[0] = 1.0  # held at c0 (bc="fixed" keeps both end values)
        return diffusion.ftcs(c0, D, dx, dt, steps, bc="fixed"), steps, dt

    def effusion_ratios(self, n, T):
        """(flux / cold Fermi flux, flux / Maxwell flux) at temperature(s) T."""
        j = analogies.effusion_flux_fd(n, ELECTRON_MASS, T)
        cold = analogies.fermi_effusion_flux(n, ELECTRON_MASS)
        hot = fluxmod.effusion_flux(n, fluxmod.mean_speed(ELECTRON_MASS, T))
        return j / cold, j / hot, j

    # ---------------------------------------------------------------- figure
    def _build(self, fig, p):
        c = style.colors()
        gs = fig.add_gridspec(1, 2)
        self.ax_u = fig.add_subplot(gs[0], label="couette")
        self.ax_c = fig.add_subplot(gs[1], label="ink")
        y_mm = self.grid() / _MM
        (self.u_exact,) = self.ax_u.plot([], [], color=c[0], label="exact")
        (self.u_num,) = self.ax_u.plot([], [], "o", ms=style.ms(0.5), color=c[1], label="ink solver (CN)")
        (self.c_exact,) = self.ax_c.plot([], [], color=c[0], label="same formula, D")
        (self.c_num,) = self.ax_c.plot([], [], "o", ms=style.ms(0.5), color=c[2], label="ink solver (FTCS)")
        for ax, ylabel, title in (
            (self.ax_u, "u / U", "momentum: wall starts moving"),
            (self.ax_c, "c / c₀", "ink: held at c₀ at y = 0"),
        ):
            ax.set_xlim(0.0, y_mm[-1])
            ax.set_ylim(-0.03, 1.05)
            ax.set_xlabel("y (mm)")
            ax.set_ylabel(ylabel)
            ax.set_title(title, fontsize="medium")
            ax.legend(loc="upper right", fontsize="small")

        self.ax_fd = fig.add_subplot(gs[:], label="effusion")
        ax = self.ax_fd
        (self.cold_line,) = ax.loglog([], [], color=c[0], label="flux / ((3/16) n v_F)")
        (self.hot_line,) = ax.loglog([], [], color=c[1], label="flux / (n⟨v⟩/4)")
        (self.cold_marker,) = ax.loglog([], [], "o", color=c[0])
        (self.hot_marker,) = ax.loglog([], [], "o", color=c[1])
        self.TF_line = ax.axvline(1.0, color="0.4", lw=style.lw(0.67), ls=":", label="T_F")
        ax.set_xlim(self._T_grid[0], self._T_grid[-1])
        ax.set_ylim(0.5, 300.0)
        ax.set_xlabel("temperature T (K)")
        ax.set_ylabel("effusion flux ratio")
        ax.legend(loc="upper center", fontsize="small")

    def _redraw(self, p):
        effusion = p["view"] == "Fermi effusion"
        self.ax_u.set_visible(not effusion)
        self.ax_c.set_visible(not effusion)
        self.ax_fd.set_visible(effusion)

        nu, D, t = p["nu"], p["D"], p["t"]
        y = self.grid()
        y_mm = y / _MM
        # each panel is recomputed only when its own inputs move (memo keyed on them)
        u_exact_U, (y_num, u_num_U) = self._memo(
            ("couette", nu, t),
            lambda: (
                analogies.couette_startup(y, t, 1.0, nu, h=self.gap),
                analogies.couette_startup_numerical(t, 1.0, nu, h=self.gap, cells=self.cells, steps=self.cn_steps),
            ),
        )
        c_exact_c0, (c_num_c0, steps, dt) = self._memo(
            ("ink", D, t), lambda: (analogies.couette_startup(y, t, 1.0, D, h=self.gap), self.ink_numerical(D, t))
        )
        self.u_exact.set_data(y_mm, u_exact_U)
        self.u_num.set_data(y_num / _MM, u_num_U)
        self.c_exact.set_data(y_mm, c_exact_c0)
        self.c_num.set_data(y_mm, c_num_c0)

        n, T = p["n"], p["T"]
        cold_ratio, hot_ratio, _ = self._memo(("effusion", n), lambda: self.effusion_ratios(n, self._T_grid))
        cold_now, hot_now, flux_now = self.effusion_ratios(n, T)
        T_F = float(analogies.fermi_energy(n, ELECTRON_MASS)) / K_B
        self.cold_line.set_data(self._T_grid, cold_ratio)
        self.hot_line.set_data(self._T_grid, hot_ratio)
        self.cold_marker.set_data([T], [cold_now])
        self.hot_marker.set_data([T], [hot_now])
        self.TF_line.set_xdata([T_F, T_F])

        v = {
            "couette_mid": float(np.interp(0.5 * self.gap, y_num, u_num_U)),
            "ink_mid": float(np.interp(0.5 * self.gap, y, c_num_c0)),
            "effusion_flux": float(flux_now),
            "ratio_to_cold": float(cold_now),
            "ratio_to_maxwell": float(hot_now),
            "T_F": T_F,
            "ink_steps": float(steps),
            "schmidt": nu / D,
        }
        readout = "<br>".join(
            [
                quantity("mid-gap u/U", v["couette_mid"])
                + " (ν) &nbsp; "
                + quantity("mid-gap c/c₀", v["ink_mid"])
                + f" (D; {steps} explicit steps) &nbsp; "
                + quantity("Schmidt number Sc = ν/D", nu / D),
                quantity("effusion flux", v["effusion_flux"], "m⁻² s⁻¹")
                + " &nbsp; "
                + quantity("÷ cold (3/16) n v_F", v["ratio_to_cold"])
                + " &nbsp; "
                + quantity("÷ Maxwell n⟨v⟩/4", v["ratio_to_maxwell"])
                + " &nbsp; "
                + quantity("T_F", T_F, "K"),
            ]
        )

        curves = {
            "y_m": y,
            "u_over_U_exact": u_exact_U,
            "u_over_U_numerical": u_num_U,
            "c_over_c0_exact": c_exact_c0,
            "c_over_c0_numerical": c_num_c0,
            "T_K": self._T_grid,
            "flux_over_cold_fermi": cold_ratio,
            "flux_over_maxwell": hot_ratio,
        }
        return Drawn(readout, v, curves)


def analogies_app(**initial):
    """The chapter 5 app. Keyword arguments set starting control values
    (``view``, ``nu``, ``D``, ``t``, ``T``, ``n``)."""
    return AnalogiesApp(**initial)
