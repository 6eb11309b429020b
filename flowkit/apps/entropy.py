"""Chapter 4 app: chemical potential drives the flow; entropy keeps score.

View "reservoirs": two ideal-gas boxes at 300 K joined by a valve
(:func:`flowkit.thermo.two_reservoirs`). Three stacked axes share the time
axis: particle numbers N1, N2; chemical potentials mu1, mu2 (eV), which meet
when the flow stops; and the total entropy as the fraction of the available
gain already made, (S(t) - S(0)) / (S_eq - S(0)), where S_eq (Sackur-Tetrode
at the equal-density split) is the largest entropy any split can have: the
curve never falls and stops at 1 when the flow does. The gain in units of
k_B is written on that panel and in the readout.

View "Onsager": a 2 x 2 matrix of transport coefficients L (in units of a
reference L0) and the entropy production sigma T = X . L X
(:func:`flowkit.thermo.entropy_production`) for unit forces
X = (cos theta, sin theta) in every direction. The readout turns red with the
message of :func:`flowkit.thermo.validate_onsager` when L breaks reciprocity
(L12 != L21) or the second law (a direction with sigma < 0, drawn in red).

Cost and ``continuous_update``: :func:`flowkit.thermo.two_reservoirs` solves
the separable relaxation law by quadrature, about 1-4 ms for any window, and
a move costs 5-40 ms with the Agg draw, most of it repainting the axes when
a limit changes. So no limit follows ``split``: the entropy gain scales as the
square of the distance from equilibrium and would need a new axis in k_B on
nearly every move, but as a share of the available gain its axis is fixed;
the mu axis spans every mu the split slider can reach (it changes with
``V_ratio`` only). Dragging ``split`` reuses the cached frame. That is within the
50 ms slider budget, so every slider uses ``continuous_update=True``, and
nothing is cached: each move calls the physics afresh.
"""

import html
import math

import ipywidgets as widgets
import numpy as np
from scipy.constants import Boltzmann as K_B
from scipy.constants import electron_volt as EV

from .. import style, thermo
from ._base import Drawn, SliderApp, float_slider, log_slider, nice_upper, quantity, set_limits

__all__ = ["EntropyApp", "entropy_app"]

_WARN = "#D55E00"  # Okabe-Ito vermillion: the colour-blind-safe red
# A coarse 1-2-5 ladder for the chemical-potential axis: fewer rungs, fewer full repaints of
# the frame while V1/V2 is dragged.
_LADDER = (1.0, 2.0, 5.0, 10.0)


def _snapped_limits(lo, hi, min_span=1e-3):
    """Axis limits around [lo, hi] on a grid of ``nice_upper(span / 4)`` (1-2-5 ladder).

    The limits move only when the data cross a grid line, so while a slider is
    dragged most redraws keep the cached axes, ticks and labels.
    """
    span = max(hi - lo, min_span)
    step = nice_upper(span / 4.0, _LADDER)
    pad = 0.03 * span  # keep the curves off the frame
    return math.floor((lo - pad) / step) * step, math.ceil((hi + pad) / step) * step


class EntropyApp(SliderApp):
    """Two reservoirs relaxing (N, mu, S vs t) and an Onsager matrix check.

    Controls (all sliders ``continuous_update=True``):

    ``view``
        "reservoirs" or "Onsager".
    ``split``
        Fraction of the 1e20 helium atoms that start in box 1 (0.05-0.95).
    ``V_ratio``
        V1 / V2 (log, 0.1 to 10), with V1 + V2 = 2 litres.
    ``conductance``
        Valve conductance G, 1/(J s) (log, 1e38 to 1e41).
    ``t_window``
        Time window shown, s (log, 0.1 to 100).
    ``L11``, ``L12``, ``L21``, ``L22``
        Onsager coefficients in units of L0 (-1.5 to 2).
    """

    name = "entropy"
    view_control = "view"
    view_controls = {
        "reservoirs": ("split", "V_ratio", "conductance", "t_window"),
        "Onsager": ("L11", "L12", "L21", "L22"),
    }
    figsize = (7.6, 4.6)
    n_total = 1e20
    volume_total = 2e-3  # m^3
    T = 300.0  # K
    _n_times = 160
    _theta = np.linspace(0.0, 2.0 * np.pi, 361)

    def _controls(self):
        return {
            "view": widgets.ToggleButtons(
                options=["reservoirs", "Onsager"], value="reservoirs", description="view", style={"button_width": "7em"}
            ),
            "split": float_slider("N₁ / N at start", 0.8, 0.05, 0.95, 0.05, fmt=".2f"),
            "V_ratio": log_slider("V₁ / V₂", 1.0, 0.1, 10.0, step=0.05, fmt=".2f"),
            "conductance": log_slider("valve G (1/(J s))", 6e39, 1e38, 1e41, step=0.05, fmt=".2g"),
            "t_window": log_slider("time window (s)", 5.0, 0.1, 100.0, step=0.05, fmt=".3g"),
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
        """The :class:`flowkit.thermo.Reservoirs` drawn for these settings."""
        V1, V2 = self.volumes(V_ratio)
        t = np.linspace(0.0, t_window, self._n_times)
        return thermo.two_reservoirs(split * self.n_total, (1.0 - split) * self.n_total, V1, V2, self.T, conductance, t)

    def mu_range_eV(self, V_ratio):
        """Lowest and highest mu (eV) either box can have over the whole ``split`` slider.

        The mu axis spans this range, so it stays put while ``split`` is dragged:
        the curves move inside a fixed frame, and a small imbalance shows as the
        small difference in mu that it is.
        """
        slider = self.controls["split"]
        mus = [
            thermo.chemical_potential_density(f * self.n_total / V, self.T, thermo.HELIUM_MASS)
            for V in self.volumes(V_ratio)
            for f in (slider.min, slider.max)
        ]
        return min(mus) / EV, max(mus) / EV

    def max_entropy_gain(self, split, V_ratio):
        """S_eq - S(0) in J/K: the most entropy the valve can make from this start
        (:func:`flowkit.thermo.max_entropy_gain`)."""
        V1, V2 = self.volumes(V_ratio)
        return thermo.max_entropy_gain(split * self.n_total, (1.0 - split) * self.n_total, V1, V2)

    def onsager_matrix(self, p):
        """L / L0 from the four sliders, as a 2 x 2 array."""
        L = np.array([[p["L11"], p["L12"]], [p["L21"], p["L22"]]], dtype=float)
        # A browser slider stepping by 0.05 can send 1.2000000000000002; ten decimals
        # change nothing physical and keep validate_onsager's message (shown to students) tidy.
        return np.round(L, 10)

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
        (self.S_line,) = self.ax_S.plot([], [], color=c[2], label="(S − S(0)) / (S_eq − S(0))")
        self.ax_S.axhline(1.0, color="0.4", lw=style.lw(0.53), ls="--")
        self.S_note = self.ax_S.text(
            0.98, 0.08, "", transform=self.ax_S.transAxes, ha="right", va="bottom", fontsize="small"
        )
        self.ax_N.set_ylabel("N")
        self.ax_N.set_ylim(0.0, self.n_total)
        self.ax_mu.set_ylabel("μ (eV)")
        self.ax_S.set_ylabel(r"share of $\Delta S_\mathrm{max}$")
        self.ax_S.set_ylim(-0.05, 1.1)
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
        mu1_eV = r.mu1 / EV
        mu2_eV = r.mu2 / EV
        dS_kB = (r.S - r.S[0]) / K_B
        dS_max_kB = float(self.max_entropy_gain(p["split"], p["V_ratio"])) / K_B
        # Already at equal densities there is no gain to make (what S(t) - S(0) shows is
        # round-off of two ~1e21 k_B totals): show a flat zero line and say so.
        at_equilibrium = dS_max_kB <= 1e-9 * self.n_total
        S_fraction = np.zeros_like(dS_kB) if at_equilibrium else dS_kB / dS_max_kB
        self.N1_line.set_data(r.t, r.N1)
        self.N2_line.set_data(r.t, r.N2)
        self.mu1_line.set_data(r.t, mu1_eV)
        self.mu2_line.set_data(r.t, mu2_eV)
        self.S_line.set_data(r.t, S_fraction)
        if at_equilibrium:
            self.S_note.set_text("equal densities: no entropy to gain")
        else:
            mantissa, exponent = f"{dS_max_kB:.2e}".split("e")
            self.S_note.set_text(rf"$\Delta S_\mathrm{{max}} = {mantissa}\times10^{{{int(exponent)}}}\,k_B$")
        set_limits(self.ax_N, x=(0.0, p["t_window"]))
        set_limits(self.ax_mu, y=_snapped_limits(*self.mu_range_eV(p["V_ratio"])))

        L = self.onsager_matrix(p)
        X = self.forces()
        sigma_T = thermo.entropy_production(L, X, 1.0)  # sigma * T with T = 1: X.L.X
        self.sigma_line.set_data(np.degrees(self._theta), sigma_T)
        self.sigma_neg.set_data(np.degrees(self._theta), np.where(sigma_T < 0, sigma_T, np.nan))
        try:
            thermo.validate_onsager(L)
        except ValueError as err:
            onsager_ok, onsager_message = False, str(err)
        else:
            onsager_ok, onsager_message = True, "L is symmetric and positive semidefinite"

        v = {
            "N1_end": float(r.N1[-1]),
            "N2_end": float(r.N2[-1]),
            "delta_mu_end_eV": float(mu1_eV[-1] - mu2_eV[-1]),
            "delta_S_end_kB": float(dS_kB[-1]),
            "delta_S_max_kB": dS_max_kB,
            "sigma_T_min": float(sigma_T.min()),
            "onsager_ok": float(onsager_ok),
        }
        lines = [
            quantity("at the end: N₁", v["N1_end"])
            + " &nbsp; "
            + quantity("N₂", v["N2_end"])
            + " &nbsp; "
            + quantity("μ₁ − μ₂", v["delta_mu_end_eV"], "eV")
            + " &nbsp; "
            + quantity("ΔS", v["delta_S_end_kB"], "k_B"),
        ]
        msg = html.escape(onsager_message)
        if onsager_ok:
            lines.append(f"<b>Onsager</b>: {msg}; " + quantity("min σT", v["sigma_T_min"], "L₀X²"))
        else:
            lines.append(f"<span class='flowkit-warning' style='color:{_WARN}'><b>unphysical L</b>: {msg}</span>")
        curves = {
            "t_s": r.t,
            "N1": r.N1,
            "N2": r.N2,
            "mu1_eV": mu1_eV,
            "mu2_eV": mu2_eV,
            "delta_S_over_kB": dS_kB,
            "delta_S_over_max_gain": S_fraction,
            "theta_deg": np.degrees(self._theta),
            "sigma_T_L0X2": sigma_T,
        }
        return Drawn("<br>".join(lines), v, curves)


def entropy_app(**initial):
    """The chapter 4 app. Keyword arguments set starting control values
    (``view``, ``split``, ``V_ratio``, ``conductance``, ``t_window``, ``L11``, ``L12``, ``L21``, ``L22``)."""
    return EntropyApp(**initial)
