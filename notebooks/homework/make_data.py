"""Write the synthetic data tables that homework questions read (instructor's tool).

The three tables made here are simulated measurements: a known model plus Gaussian
noise from a fixed seed, so every run writes the same files. The model's true
parameters are the answers the students recover (up to the noise); they are
listed in GUIDE.md. The fourth table, ``hw02_ficks_law/arrhenius_table.csv``,
is published data and is written by hand (its source is cited in the file).

    python notebooks/homework/make_data.py      # rewrites the three CSV files

Not shipped to students (the student edition copies only ``release/``).
"""

from pathlib import Path

import numpy as np
from scipy import constants, special

SOURCE = Path(__file__).resolve().parent / "source"


def leak_pressure(seed=19):
    """hw01: argon leaking from a 1.0 L vessel through a 0.010 mm^2 hole at 295 K."""
    m = 39.948 * constants.atomic_mass
    T, V, A, P0 = 295.0, 1.0e-3, 1.0e-8, 10.0
    mean_speed = np.sqrt(8 * constants.k * T / (np.pi * m))
    tau = 4 * V / (A * mean_speed)
    t = np.arange(0.0, 3000.0 + 1, 60.0)
    rng = np.random.default_rng(seed)
    P = P0 * np.exp(-t / tau) * (1 + 0.005 * rng.standard_normal(t.size))
    rows = "\n".join(f"{ti:.0f},{pi:.4g}" for ti, pi in zip(t, P))
    return "t_s,P_Pa\n" + rows + "\n"


def couette_profile(seed=5):
    """hw05: start-up of a plate under deep silicone oil (nu = 5.0e-5 m^2/s), profile at t = 5.0 s."""
    nu, U, t = 5.0e-5, 0.20, 5.0
    y = np.arange(0.0, 60.0 + 1e-9, 2.0) * 1e-3
    rng = np.random.default_rng(seed)
    u = U * special.erfc(y / (2 * np.sqrt(nu * t))) + 0.002 * rng.standard_normal(y.size)
    rows = "\n".join(f"{yi * 1e3:.0f},{ui:.4f}" for yi, ui in zip(y, u))
    return "y_mm,u_m_per_s\n" + rows + "\n"


def solar_wind(seed=2003):
    """hw06: 48 hourly solar-wind readings, a quiet day and then a fast, dense CME sheath."""
    hours = np.arange(48)
    rng = np.random.default_rng(seed)
    n = np.full(48, 5.0)
    v = np.full(48, 400.0)
    shock = hours >= 26
    decay = np.exp(-(hours - 26) / 5.0)
    n = np.where(shock, 5.0 + 40.0 * decay, n)
    v = np.where(shock, 400.0 + 330.0 * np.exp(-(hours - 26) / 14.0), v)
    n = n * (1 + 0.08 * rng.standard_normal(48))
    v = v * (1 + 0.02 * rng.standard_normal(48))
    rows = "\n".join(f"{h},{ni:.1f},{vi:.0f}" for h, ni, vi in zip(hours, n, v))
    return "hour,n_per_cm3,v_km_per_s\n" + rows + "\n"


def main():
    tables = {
        "hw01_flux/leak_pressure.csv": leak_pressure(),
        "hw05_analogies/couette_profile.csv": couette_profile(),
        "hw06_applications/solar_wind.csv": solar_wind(),
    }
    for name, text in tables.items():
        path = SOURCE / name
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
