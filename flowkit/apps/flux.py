"""Chapter 1 app: a beam's particle flux, and the number-flux four-vector.

Left panel: flux of a beam of given current and particle charge against the
spot area (log-log), with a marker at the chosen area. Right panel: the dust
cloud's four-flux seen by an observer moving at beta = u/c. The density
component N^0/c = gamma n0 and the flux component N^x/c = -gamma n0 beta both
change with the observer; the rest density n0 computed from the same
four-vector stays on a flat line.

Every control is cheap (closed-form physics, no kernel, no numba), so all
sliders use ``continuous_update=True``.
"""

import numpy as np
from scipy.constants import c as LIGHT_SPEED
from scipy.constants import e as ELEMENTARY_CHARGE

from .. import flux as physics
from .. import style
from ._base import Drawn, SliderApp, float_slider, int_slider, log_slider, nice_upper, quantity, set_limits

__all__ = ["FluxApp", "flux_app"]

_MM2 = 1e-6  # m^2 per mm^2: the area slider reads in mm^2


class FluxApp(SliderApp):
    """Beam current -> particle flux; observer speed -> dust-cloud four-flux.

    Controls (all ``continuous_update=True``: closed-form, a few microseconds):

    ``current``
        Beam current, A (log slider, 1 nA to 1 mA).
    ``charge``
        Charge of one particle in units of e (1 = proton, 2 = alpha).
    ``area_mm2``
        Beam spot area, mm^2 (log slider, 0.01 to 100 mm^2).
    ``beta``
        Observer speed as a fraction of c (0 to 0.99), along x.
    ``n0``
        Rest-frame density of the dust cloud, 1/m^3 (log slider).
    """

    name = "flux"
    figsize = (7.6, 3.6)
    _beta_grid = np.linspace(0.0, 0.99, 200)
    _area_grid_mm2 = np.logspace(-2, 2, 120)

    def _controls(self):
        return {
            "current": log_slider("beam current (A)", 1e-6, 1e-9, 1e-3),
            "charge": int_slider("charge (e)", 1, 1, 2),
            "area_mm2": log_slider("spot area (mm²)", 1.0, 1e-2, 1e2),
            "beta": float_slider("observer β = u/c", 0.5, 0.0, 0.99, 0.01, fmt=".2f"),
            "n0": log_slider("rest density n₀ (m⁻³)", 1e6, 1e-9, 1e9),
        }

    def _build(self, fig, p):
        colors = style.colors()
        self.ax_beam, self.ax_four = fig.subplots(1, 2)
        ax = self.ax_beam
        (self.beam_line,) = ax.loglog([], [], color=colors[0], label="flux = I / (q A)")
        (self.beam_marker,) = ax.loglog([], [], "o", color=colors[1])
        ax.set_xlim(self._area_grid_mm2[0], self._area_grid_mm2[-1])
        # fixed over the slider ranges (largest current on the smallest spot, smallest on the largest):
        # the line moves, not the axes
        top = physics.beam_flux(1e-3, ELEMENTARY_CHARGE, 1e-2 * _MM2)
        bottom = physics.beam_flux(1e-9, 2 * ELEMENTARY_CHARGE, 1e2 * _MM2)
        ax.set_ylim(bottom / 2, top * 2)
        ax.set_xlabel("spot area A (mm²)")
        ax.set_ylabel("flux (m⁻² s⁻¹)")
        ax.set_title("beam: particles per area per time")
        ax.legend(loc="upper right")

        ax = self.ax_four
        (self.density_line,) = ax.plot([], [], color=colors[0], label="density N⁰/c = γ n₀")
        (self.flux_line,) = ax.plot([], [], color=colors[1], label="flux Nˣ/c = −γ n₀ β")
        (self.rest_line,) = ax.plot([], [], "--", color=colors[2], label="rest density n₀ (invariant)")
        (self.density_marker,) = ax.plot([], [], "o", color=colors[0])
        (self.flux_marker,) = ax.plot([], [], "o", color=colors[1])
        (self.rest_marker,) = ax.plot([], [], "o", color=colors[2])
        ax.axhline(0.0, color="0.5", lw=style.lw(0.53))
        ax.set_xlim(0.0, 1.0)
        ax.set_ylim(-8.0, 8.0)  # in units of n0 until the first redraw sets the absolute limits
        ax.set_xlabel("observer speed β = u/c")
        ax.set_ylabel("component (m⁻³)")
        ax.set_title("dust cloud four-flux")
        ax.legend(loc="lower left", fontsize="small")

    def _redraw(self, p):
        q = p["charge"] * ELEMENTARY_CHARGE
        area = p["area_mm2"] * _MM2
        rate = physics.beam_rate(p["current"], q)
        flux = physics.beam_flux(p["current"], q, area)
        flux_curve = physics.beam_flux(p["current"], q, self._area_grid_mm2 * _MM2)
        self.beam_line.set_data(self._area_grid_mm2, flux_curve)
        self.beam_marker.set_data([p["area_mm2"]], [flux])

        n0 = p["n0"]
        rest = physics.number_four_flux(n0, np.zeros(3))
        u = self._beta_grid * LIGHT_SPEED
        seen = physics.boost(np.broadcast_to(rest, (u.size, 4)), np.stack([u, 0 * u, 0 * u], axis=-1))
        # absolute units, so n0 visibly scales every component; the limits snap to a
        # 1-1.5-2-3-5-7 ladder above the largest |component| (gamma n0 = 7.09 n0 at beta = 0.99)
        density_curve = seen[:, 0] / LIGHT_SPEED
        jx_curve = seen[:, 1] / LIGHT_SPEED
        rest_curve = physics.rest_density(seen)
        top = nice_upper(1.02 * float(density_curve.max()))
        set_limits(self.ax_four, y=(-top, top))
        self.density_line.set_data(self._beta_grid, density_curve)
        self.flux_line.set_data(self._beta_grid, jx_curve)
        self.rest_line.set_data(self._beta_grid, rest_curve)

        now = physics.boost(rest, [p["beta"] * LIGHT_SPEED, 0.0, 0.0])
        n_seen = now[0] / LIGHT_SPEED
        jx = now[1]
        n_rest = physics.rest_density(now)
        self.density_marker.set_data([p["beta"]], [n_seen])
        self.flux_marker.set_data([p["beta"]], [jx / LIGHT_SPEED])
        self.rest_marker.set_data([p["beta"]], [n_rest])

        v = {
            "rate": float(rate),
            "flux": float(flux),
            "gamma": float(physics.lorentz_factor(p["beta"] * LIGHT_SPEED)),
            "density": float(n_seen),
            "jx": float(jx),
            "rest_density": float(n_rest),
        }
        readout = "<br>".join(
            [
                quantity("particle rate", v["rate"], "s⁻¹") + " &nbsp; " + quantity("flux", v["flux"], "m⁻² s⁻¹"),
                quantity("γ", v["gamma"])
                + " &nbsp; "
                + quantity("n = γ n₀", v["density"], "m⁻³")
                + " &nbsp; "
                + quantity("Jₓ", v["jx"], "m⁻² s⁻¹")
                + " &nbsp; "
                + quantity("n₀ (invariant)", v["rest_density"], "m⁻³"),
            ]
        )

        curves = {
            "area_mm2": self._area_grid_mm2,
            "beam_flux_per_m2_s": flux_curve,
            "beta": self._beta_grid,
            "density_per_m3": density_curve,
            "jx_over_c_per_m3": jx_curve,
            "rest_density_per_m3": rest_curve,
        }
        return Drawn(readout, v, curves)


def flux_app(**initial):
    """The chapter 1 app. Keyword arguments set starting control values
    (``current``, ``charge``, ``area_mm2``, ``beta``, ``n0``)."""
    return FluxApp(**initial)
