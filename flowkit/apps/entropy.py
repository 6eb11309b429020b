"""Chapter 4 app: chemical potential drives the flow; entropy keeps score.

View "reservoirs": two ideal-gas boxes at 300 K joined by a valve
(:func:`flowkit.thermo.two_reservoirs`). Three stacked axes share the time
axis: particle numbers N1, N2; chemical potentials mu1, mu2 (eV), which meet
when the flow stops; and the rise of the total entropy S(t) - S(0) (in units
of k_B), which never decreases.

View "Onsager": a 2 x 2 matrix of transport coefficients L (in units of a
reference L0) and the entropy production sigma T = X . L X
(:func:`flowkit.thermo.entropy_production`) for unit forces
X = (cos theta, sin theta) in every direction. The readout turns red with the
message of :func:`flowkit.thermo.validate_onsager` when L breaks reciprocity
(L12 != L21) or the second law (a direction with sigma < 0, drawn in red).

Cost and ``continuous_update``: the reservoir ODE is integrated with an
implicit solver at rtol 1e-11 and costs 25-400 ms depending on how many
relaxation times the window spans, so ``split``, ``V_ratio``,
``conductance`` and ``t_window`` use ``continuous_update=False`` (the result
is cached, so moving an Onsager slider never re-solves it). The Onsager
sliders are closed-form: ``continuous_update=True``.
"""

import html

import ipywidgets as widgets
import numpy as np
from scipy.constants import Boltzmann as K_B, electron_volt as EV

from .. import style, thermo
from ._base import SliderApp, float_slider, log_slider, nice_upper, quantity

__all__ = ["EntropyApp", "entropy_app"]

_WARN = "#D55E00"  # Okabe-Ito vermillion: the colour-blind-safe red


class EntropyApp(SliderApp):
    """Two reservoirs relaxing (N, mu, S vs t) and an Onsager matrix check.

    Controls (``continuous_update`` in brackets):

    ``view`` [-]
        "reservoirs" or "Onsager".
    ``split`` [False]
        Fraction of the 1e20 helium atoms that start in box 1 (0.05-0.95).
    ``V_ratio`` [False]
        V1 / V2 (log, 0.1 to 10), with V1 + V2 = 2 litres.
    ``conductance`` [False]
        Valve conductance G, 1/(J s) (log, 1e38 to 1e41).
    ``t_window`` [False]
        Time window shown, s (log, 0.1 to 100).
    ``L11``, ``L12``, ``L21``, ``L22`` [True]
        Onsager coefficients in units of L0 (-1.5 to 2).
    """

    name = "entropy"
    figsize = (8.0, 5.2)
    n_total = 1e20
    volume_total = 2e-3  # m^3
    T = 300.0  # K
    _n_times = 160
    _theta = np.linspace(0.0, 2.0 * np.pi, 361)

    def __init__(self, **initial):
        self._cache = {}
        super().__init__(**initial)

    def _controls(self):
        slow = dict(continuous=False)
        return {
            "view": widgets.ToggleButtons(options=["reservoirs", "Onsager"], value="reservoirs",
                                          description="view", style={"button_width": "7em"}),
            "split": float_slider("N₁ / N at start", 0.8, 0.05, 0.95, 0.05, fmt=".2f", **slow),
            "V_ratio": log_slider("V₁ / V₂", 1.0, 0.1, 10.0, step=0.05, fmt=".2f", **slow),
            "conductance": log_slider("valve G (1/(J s))", 6e39, 1e38, 1e41, step=0.05, fmt=".2g", **slow),
            "t_window": log_slider("time window (s)", 5.0, 0.1, 100.0, step=0.05, fmt=".3g", **slow),
            "L11": float_slider("L₁₁ / L₀", 1.0, -1.5, 2.0, 0.05, fmt=".2f"),
            "L12": float_slider("L₁₂ / L₀", 0.4, -1.5, 2.0, 0.05, fmt=".2f"),
            "L21": float_slider("L₂₁ / L₀", 0.4, -1.5, 2.0, 0.05, fmt=".2f"),
            "L22": float_slider("L₂₂ / L₀", 0.6, -1.5, 2.0, 0.05, fmt=".2f"),
        }

    # ---------------------------------------------------------------- physics calls
    def volumes(self, V_ratio):
        """(V1, V2) in m^3 for a ratio V1/V2 and the fixed total volume."""
        V1 = self.volume_total * V_ratio / (1.0 + V_ratio)
        return V1, self.volume_total - V1

    def reservoirs(self, split, V_ratio, conductance, t_window):
        """The :class:`flowkit.thermo.Reservoirs` drawn for these settings (cached)."""
        key = (split, V_ratio, conductance, t_window)
        if key not in self._cache:
            if len(self._cache) > 16:
                self._cache.clear()
            V1, V2 = self.volumes(V_ratio)
            t = np.linspace(0.0, t_window, self._n_times)
            self._cache[key] = thermo.two_reservoirs(
                split * self.n_total, (1.0 - split) * self.n_total, V1, V2, self.T, conductance, t)
        return self._cache[key]

    def onsager_matrix(self, p):
        """L / L0 from the four sliders, as a 2 x 2 array."""
        return np.array([[p["L11"], p["L12"]], [p["L21"], p["L22"]]], dtype=float)

    def forces(self):
        """Unit forces X = (cos theta, sin theta), shape (361, 2)."""
        return np.stack([np.cos(self._theta), np.sin(self._theta)], axis=-1)

    # ---------------------------------------------------------------- figure
    def _build(self, fig, p):
        c = style.colors()
        gs = fig.add_gridspec(3, 1)
        self.ax_N = fig.add_subplot(gs[0], label="N")
        self.ax_mu = fig.add_subplot(gs[1], sharex=self.ax_N, label="mu")
        self.ax_S = fig.add_subplot(gs[2], sharex=self.ax_N, label="S")
        (self.N1_line,) = self.ax_N.plot([], [], color=c[0], label="N₁")
        (self.N2_line,) = self.ax_N.plot([], [], color=c[1], label="N₂")
        (self.mu1_line,) = self.ax_mu.plot([], [], color=c[0], label="μ₁")
        (self.mu2_line,) = self.ax_mu.plot([], [], color=c[1], label="μ₂")
        (self.S_line,) = self.ax_S.plot([], [], color=c[2], label="S − S(0)")
        self.ax_N.set_ylabel("N")
        self.ax_N.set_ylim(0.0, self.n_total)
        self.ax_mu.set_ylabel("μ (eV)")
        self.ax_S.set_ylabel("ΔS / k_B")
        self.ax_S.set_xlabel("time t (s)")
        self.ax_N.legend(loc="right", fontsize="small", ncol=2)
        self.ax_mu.legend(loc="right", fontsize="small", ncol=2)
        for ax in (self.ax_N, self.ax_mu):
            ax.tick_params(labelbottom=False)

        self.ax_L = fig.add_subplot(gs[:, 0], label="onsager")
        (self.sigma_line,) = self.ax_L.plot([], [], color=c[0], label="σT ≥ 0")
        (self.sigma_neg,) = self.ax_L.plot([], [], color=_WARN, lw=style.lw(2.0), label="σT < 0 (forbidden)")
        self.ax_L.axhline(0.0, color="0.4", lw=style.lw(0.53))
        self.ax_L.set_xlim(0.0, 360.0)
        self.ax_L.set_ylim(-3.5, 4.0)
        self.ax_L.set_xticks([0, 90, 180, 270, 360])
        self.ax_L.set_xlabel("force direction θ (degrees), X = (cos θ, sin θ)")
        self.ax_L.set_ylabel("σ T = X·L X  (L₀ X²)")
        self.ax_L.legend(loc="upper right", fontsize="small")

    def _redraw(self, p):
        onsager = p["view"] == "Onsager"
        for ax in (self.ax_N, self.ax_mu, self.ax_S):
            ax.set_visible(not onsager)
        self.ax_L.set_visible(onsager)

        r = self.reservoirs(p["split"], p["V_ratio"], p["conductance"], p["t_window"])
        self.res = r
        self.mu1_eV = r.mu1 / EV
        self.mu2_eV = r.mu2 / EV
        self.dS_kB = (r.S - r.S[0]) / K_B
        self.N1_line.set_data(r.t, r.N1)
        self.N2_line.set_data(r.t, r.N2)
        self.mu1_line.set_data(r.t, self.mu1_eV)
        self.mu2_line.set_data(r.t, self.mu2_eV)
        self.S_line.set_data(r.t, self.dS_kB)
        self.ax_N.set_xlim(0.0, p["t_window"])
        lo = min(self.mu1_eV.min(), self.mu2_eV.min())
        hi = max(self.mu1_eV.max(), self.mu2_eV.max())
        pad = max(0.05 * (hi - lo), 1e-4)
        self.ax_mu.set_ylim(lo - pad, hi + pad)
        top = nice_upper(1.05 * float(self.dS_kB.max())) if self.dS_kB.max() > 0 else 1.0
        self.ax_S.set_ylim(-0.05 * top, top)

        L = self.onsager_matrix(p)
        X = self.forces()
        self.sigma_T = thermo.entropy_production(L, X, 1.0)  # sigma * T with T = 1: X.L.X
        self.sigma_line.set_data(np.degrees(self._theta), self.sigma_T)
        self.sigma_neg.set_data(np.degrees(self._theta), np.where(self.sigma_T < 0, self.sigma_T, np.nan))
        try:
            thermo.validate_onsager(L)
        except ValueError as err:
            self.onsager_ok, self.onsager_message = False, str(err)
        else:
            self.onsager_ok, self.onsager_message = True, "L is symmetric and positive semidefinite"

        self.values = {
            "N1_end": float(r.N1[-1]),
            "N2_end": float(r.N2[-1]),
            "delta_mu_end_eV": float(self.mu1_eV[-1] - self.mu2_eV[-1]),
            "delta_S_end_kB": float(self.dS_kB[-1]),
            "sigma_T_min": float(self.sigma_T.min()),
        }
        v = self.values
        lines = [
            quantity("at the end: N₁", v["N1_end"]) + " &nbsp; " + quantity("N₂", v["N2_end"])
            + " &nbsp; " + quantity("μ₁ − μ₂", v["delta_mu_end_eV"], "eV")
            + " &nbsp; " + quantity("ΔS", v["delta_S_end_kB"], "k_B"),
        ]
        msg = html.escape(self.onsager_message)
        if self.onsager_ok:
            lines.append(f"<b>Onsager</b>: {msg}; " + quantity("min σT", v["sigma_T_min"], "L₀X²"))
        else:
            lines.append(f"<span class='flowkit-warning' style='color:{_WARN}'><b>unphysical L</b>: {msg}</span>")
        return "<br>".join(lines)

    def _curves(self):
        r = self.res
        return {
            "t_s": r.t,
            "N1": r.N1,
            "N2": r.N2,
            "mu1_eV": self.mu1_eV,
            "mu2_eV": self.mu2_eV,
            "delta_S_over_kB": self.dS_kB,
            "theta_deg": np.degrees(self._theta),
            "sigma_T_L0X2": self.sigma_T,
        }


def entropy_app(**initial):
    """The chapter 4 app. Keyword arguments set starting control values
    (``view``, ``split``, ``V_ratio``, ``conductance``, ``t_window``, ``L11``, ``L12``, ``L21``, ``L22``)."""
    return EntropyApp(**initial)
