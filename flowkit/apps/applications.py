"""Chapter 6 app: the solar wind, the coffee ring and the nodal flow.

View "solar wind": magnetopause stand-off distance in Earth radii against
the wind density (:func:`flowkit.applications.magnetopause_standoff`) at the
chosen speed, a marker at the chosen density; readout in R_E and the wind's
dynamic pressure n m_p v^2 in nPa (:func:`flowkit.applications.solar_wind_pressure`).

View "coffee ring": fraction of the solute already at the rim against
t/t_f (:func:`flowkit.applications.coffee_ring_deposit`) with a moving
marker; beside it the evaporation flux over the drop
(:func:`flowkit.applications.coffee_ring_flux`) and the outward flow it
drives at the chosen time (:func:`flowkit.applications.coffee_ring_velocity`).

View "nodal flow": on the left, the Peclet number Pe = U L / D
(:func:`flowkit.applications.nodal_peclet`) against the carrier's diffusion
coefficient, with Pe = 1 marked: to the left of the crossing the cilia-driven
flow wins and carriers pile up on the left of the node. On the right, the
steady carrier concentration across the node, c(x) / <c> against x / L on a
log axis (:func:`flowkit.applications.nodal_profile`), a straight line of
slope -Pe that is flat when diffusion wins; the readout gives the left/right
ratio c(0) / c(L) = exp(Pe) next to Pe.

Every control is closed-form (microseconds), so all use
``continuous_update=True``.
"""

import math

import ipywidgets as widgets
import numpy as np

from .. import applications as phys
from .. import style
from ._base import Drawn, SliderApp, float_slider, log_slider, quantity, sci, set_limits

__all__ = ["ApplicationsApp", "applications_app"]

_CM3 = 1e6  # m^-3 per cm^-3
_KMS = 1e3  # m/s per km/s
_UM = 1e-6  # m per µm
_NPA = 1e-9  # Pa per nPa
#: Geostationary orbit radius in Earth radii: 42 164 km / 6 371 km (mean Earth radius) = 6.62.
GEOSTATIONARY_RE = 42_164.0 / 6_371.0


def _power_of_ten(log10_value, digits=3):
    """HTML for 10**log10_value, also when the number itself would overflow a float."""
    if log10_value < 300.0:
        return sci(10.0**log10_value, digits)
    exponent = math.floor(log10_value)
    mantissa = 10.0 ** (log10_value - exponent)
    if round(mantissa, digits - 1) >= 10.0:  # rounding carried into the next decade
        mantissa, exponent = 1.0, exponent + 1
    return f"{mantissa:.{digits - 1}f}\u00d710<sup>{exponent}</sup>"


class ApplicationsApp(SliderApp):
    """Solar-wind stand-off, coffee-ring deposit, nodal-flow Peclet number and profile.

    Controls (all ``continuous_update=True``):

    ``view``
        "solar wind", "coffee ring" or "nodal flow".
    ``n_cm3``
        Solar-wind proton density, cm^-3 (log, 0.5 to 100).
    ``v_kms``
        Solar-wind speed, km/s (250 to 1000).
    ``t_frac``
        Drying time elapsed, t / t_f (0 to 0.95).
    ``U_um_s``
        Nodal flow speed, µm/s (1 to 50).
    ``L_um``
        Width of the node, µm (10 to 200).
    ``D``
        Carrier diffusion coefficient, m^2/s (log, 1e-14 to 1e-9).
    """

    name = "applications"
    view_control = "view"
    view_controls = {
        "solar wind": ("n_cm3", "v_kms"),
        "coffee ring": ("t_frac",),
        "nodal flow": ("U_um_s", "L_um", "D"),
    }
    figsize = (7.6, 3.6)
    _n_grid_cm3 = np.logspace(np.log10(0.5), 2.0, 150)
    _t_grid = np.linspace(0.0, 1.0, 201)
    _r_grid = np.linspace(0.0, 0.99, 150)  # r / R, inside the contact line
    _D_grid = np.logspace(-14.0, -9.0, 150)
    _x_grid = np.linspace(0.0, 1.0, 401)  # x / L across the node
    _profile_floor = 1e-3  # bottom of the log axis for c / <c>

    def _controls(self):
        return {
            "view": widgets.ToggleButtons(
                options=["solar wind", "coffee ring", "nodal flow"],
                value="solar wind",
                description="view",
                style={"button_width": "8em"},
            ),
            "n_cm3": log_slider("wind density (cm⁻³)", 5.0, 0.5, 100.0, step=0.02),
            "v_kms": float_slider("wind speed (km/s)", 400.0, 250.0, 1000.0, 10.0, fmt=".0f"),
            "t_frac": float_slider("drying t / t_f", 0.5, 0.0, 0.95, 0.01, fmt=".2f"),
            "U_um_s": float_slider("flow U (µm/s)", 10.0, 1.0, 50.0, 1.0, fmt=".0f"),
            "L_um": float_slider("node width L (µm)", 50.0, 10.0, 200.0, 5.0, fmt=".0f"),
            "D": log_slider("carrier D (m²/s)", 1e-10, 1e-14, 1e-9, step=0.05),
        }

    def _build(self, fig, p):
        c = style.colors()
        gs = fig.add_gridspec(1, 2)
        ax = self.ax_sw = fig.add_subplot(gs[:], label="solar wind")
        (self.sw_line,) = ax.semilogx([], [], color=c[0], label="stand-off at this speed")
        (self.sw_marker,) = ax.semilogx([], [], "o", color=c[3])
        ax.axhline(
            GEOSTATIONARY_RE,
            color="0.4",
            lw=style.lw(0.67),
            ls="--",
            label=f"geostationary orbit ({GEOSTATIONARY_RE:.1f} R_E)",
        )
        ax.set_xlim(self._n_grid_cm3[0], self._n_grid_cm3[-1])
        ax.set_ylim(4.0, 20.0)
        ax.set_xlabel("solar-wind density n (cm⁻³)")
        ax.set_ylabel("stand-off distance (R_E)")
        ax.legend(loc="upper right", fontsize="small")

        ax = self.ax_dep = fig.add_subplot(gs[0], label="deposit")
        (self.dep_line,) = ax.plot([], [], color=c[0], label="solute at the rim")
        (self.dep_marker,) = ax.plot([], [], "o", color=c[3])
        ax.set_xlim(0.0, 1.0)
        ax.set_ylim(0.0, 1.02)
        ax.set_xlabel("t / t_f")
        ax.set_ylabel("fraction at the rim")
        ax.legend(loc="upper left", fontsize="small")

        ax = self.ax_vel = fig.add_subplot(gs[1], label="flow in drop")
        (self.flux_line,) = ax.semilogy([], [], "--", color=c[1], label="evaporation J/J(0)")
        (self.vel_line,) = ax.semilogy([], [], color=c[0], label="outward flow v t_f/R_d")
        ax.set_xlim(0.0, 1.0)
        ax.set_ylim(1e-2, 1e2)
        ax.set_xlabel("r / R_d")
        ax.set_ylabel("J / J(0)  and  v t_f / R_d")
        ax.legend(loc="upper left", fontsize="small")

        ax = self.ax_pe = fig.add_subplot(gs[0], label="nodal")
        (self.pe_line,) = ax.loglog([], [], color=c[0], label="Pe = U L / D")
        (self.pe_marker,) = ax.loglog([], [], "o", color=c[3])
        ax.axhline(1.0, color="0.4", lw=style.lw(0.67), ls=":", label="Pe = 1")
        ax.set_xlim(self._D_grid[0], self._D_grid[-1])
        ax.set_ylim(1e-3, 1e6)
        ax.set_xlabel("carrier D (m²/s)")
        ax.set_ylabel("Péclet number")
        ax.legend(loc="upper right", fontsize="small")

        ax = self.ax_prof = fig.add_subplot(gs[1], label="nodal profile")
        (self.prof_line,) = ax.semilogy([], [], color=c[0], label="steady n(x) / ⟨n⟩")
        ax.axhline(1.0, color="0.4", lw=style.lw(0.67), ls=":", label="uniform (Pe → 0)")
        ax.set_xlim(0.0, 1.0)
        ax.set_ylim(self._profile_floor, 10.0)
        ax.set_xlabel("x / L (the flow goes to 0)")
        ax.set_ylabel("n / ⟨n⟩")
        ax.legend(loc="upper right", fontsize="small")

    def _redraw(self, p):
        view = p["view"]
        self.ax_sw.set_visible(view == "solar wind")
        self.ax_dep.set_visible(view == "coffee ring")
        self.ax_vel.set_visible(view == "coffee ring")
        self.ax_pe.set_visible(view == "nodal flow")
        self.ax_prof.set_visible(view == "nodal flow")

        n, v = p["n_cm3"] * _CM3, p["v_kms"] * _KMS
        sw_standoff = phys.magnetopause_standoff(self._n_grid_cm3 * _CM3, v)
        standoff = float(phys.magnetopause_standoff(n, v))
        pressure = float(phys.solar_wind_pressure(n, v))
        self.sw_line.set_data(self._n_grid_cm3, sw_standoff)
        self.sw_marker.set_data([p["n_cm3"]], [standoff])

        tf = p["t_frac"]
        deposit_curve = phys.coffee_ring_deposit(self._t_grid, 1.0)
        deposit = float(phys.coffee_ring_deposit(tf, 1.0))
        flux_profile = phys.coffee_ring_flux(self._r_grid, 1.0)
        velocity_profile = phys.coffee_ring_velocity(self._r_grid, 1.0, tf, 1.0)  # R = t_f = 1: v t_f / R
        self.dep_line.set_data(self._t_grid, deposit_curve)
        self.dep_marker.set_data([tf], [deposit])
        self.flux_line.set_data(self._r_grid, flux_profile)
        self.vel_line.set_data(self._r_grid[1:], velocity_profile[1:])  # v(0) = 0: off a log axis

        U, L, D = p["U_um_s"] * _UM, p["L_um"] * _UM, p["D"]
        peclet_curve = phys.nodal_peclet(U, L, self._D_grid)
        peclet = float(phys.nodal_peclet(U, L, D))
        self.pe_line.set_data(self._D_grid, peclet_curve)
        self.pe_marker.set_data([D], [peclet])
        nodal_concentration = phys.nodal_profile(self._x_grid * L, U, L, D)
        self.prof_line.set_data(self._x_grid, nodal_concentration)
        # the top of the log axis is 10, 1e4 or 1e7 (steps of three decades), so dragging D
        # across its five decades repaints the frame (ticks, labels) only twice
        decades = math.log10(1.5 * float(nodal_concentration[0])) - 1.0
        top = 10.0 ** (1 + 3 * max(0, math.ceil(decades / 3.0)))
        set_limits(self.ax_prof, y=(self._profile_floor, top))
        # c(0) / c(L) = exp(Pe) overflows a float beyond Pe ~ 709: keep its logarithm
        log10_ratio = peclet / math.log(10.0)

        values = {
            "standoff_RE": standoff,
            "inside_geostationary": float(standoff < GEOSTATIONARY_RE),
            "pressure_nPa": pressure / _NPA,
            "deposit_fraction": deposit,
            "peclet": peclet,
            "log10_left_right_ratio": log10_ratio,
        }
        winner = "flow wins: carriers pile up on the left" if peclet > 1 else "diffusion wins: no left-right bias"
        readout = "<br>".join(
            [
                quantity("stand-off", standoff, "R_E")
                + (" (inside geostationary orbit!)" if standoff < GEOSTATIONARY_RE else "")
                + " &nbsp; "
                + quantity("wind pressure n m_p v²", pressure / _NPA, "nPa"),
                quantity("solute at the rim", deposit) + f" at t/t_f = {tf:.2f}",
                quantity("Pe", peclet)
                + " &nbsp; <b>left/right</b> c(0)/c(L) = e<sup>Pe</sup> = "
                + _power_of_ten(log10_ratio)
                + f" ({winner})",
            ]
        )

        curves = {
            "n_cm3": self._n_grid_cm3,
            "standoff_RE": sw_standoff,
            "t_over_tf": self._t_grid,
            "deposit_fraction": deposit_curve,
            "r_over_R": self._r_grid,
            "evaporation_flux_over_J0": flux_profile,
            "velocity_times_tf_over_R": velocity_profile,
            "D_m2_s": self._D_grid,
            "peclet": peclet_curve,
            "x_over_L": self._x_grid,
            "concentration_over_mean": nodal_concentration,
        }
        return Drawn(readout, values, curves)


def applications_app(**initial):
    """The chapter 6 app. Keyword arguments set starting control values
    (``view``, ``n_cm3``, ``v_kms``, ``t_frac``, ``U_um_s``, ``L_um``, ``D``)."""
    return ApplicationsApp(**initial)
