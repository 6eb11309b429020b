"""The chapters' prediction questions and "try this" goals, with their answers.

A chapter asks the student to commit to a prediction before moving a slider,
and to type what a "try this" made them find::

    my_factor = ...                       # your prediction
    check.predict("01.area", my_factor)   # Right / Not quite: <hint> / Your turn

The question text is in the notebook; the answer, the typical wrong answers and
the misconception each one reveals live here, so a notebook cell never shows
the answer. :func:`flowkit.check.predict` and :func:`flowkit.check.found` look
questions up by id; :func:`question` and :data:`QUESTIONS` are for tests and
for lecturers who want the whole list.

Ids are ``"<chapter>.<name>"`` for predictions and ``"<chapter>.try.<name>"``
for try-this findings. Answers that come from the course's own physics are
computed by :mod:`flowkit` functions when first needed (not at import), so a
change in a constant cannot leave a stale number here.

>>> from flowkit import inquiry
>>> q = inquiry.question("06.exponent")
>>> q.kind, round(q.expected(), 4)
('predict', -0.1667)
>>> sorted({q.chapter for q in inquiry.QUESTIONS})
[0, 1, 2, 3, 4, 5, 6]
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cache

__all__ = ["Question", "QUESTIONS", "question", "for_chapter"]

_K_B = 1.380649e-23  # J/K, exact (SI 2019)
_E = 1.602176634e-19  # C, exact
_U = 1.66053906660e-27  # kg, atomic mass unit (CODATA 2018)
_G = 9.80665  # m/s^2, standard gravity
_R = 8.314462618  # J/(mol K), N_A k_B


@dataclass(frozen=True)
class Question:
    """One prediction or try-this finding.

    Attributes
    ----------
    id : str
        ``"03.sqrt"`` (a prediction) or ``"03.try.parity"`` (a try-this finding).
    prompt : str
        The question in one line (the notebook states it in full).
    answer : float, tuple, str or callable
        A number, an accepted ``(low, high)`` range, the key of the right
        option, or a function of no arguments returning a number (evaluated
        once, when first needed).
    misconception : str
        The misconception the question targets, by name.
    rtol : float
        Relative tolerance around a numerical answer.
    unit : str
        The unit the answer is typed in.
    name : str
        What the number is, for the messages.
    traps : tuple of (value, str)
        Typical wrong answers and what each one reveals (never the answer).
    hint : str
        For any other wrong answer.
    why : str
        Shown with a right answer.
    options : tuple of (str, str)
        For a multiple-choice question: each key with its explanation.
    """

    id: str
    prompt: str
    answer: object
    misconception: str = ""
    rtol: float = 0.05
    unit: str = ""
    name: str = "your answer"
    traps: tuple = ()
    hint: str = ""
    why: str = ""
    options: tuple = field(default=())

    @property
    def chapter(self) -> int:
        return int(self.id.split(".")[0])

    @property
    def kind(self) -> str:
        """``"found"`` for a try-this finding, ``"predict"`` otherwise."""
        return "found" if ".try." in self.id else "predict"

    def expected(self):
        """The right answer: a number, a ``(low, high)`` range or an option key."""
        return _evaluate(self.id) if callable(self.answer) else self.answer

    def right_answer(self):
        """One answer that the check accepts (the middle of a range), e.g. to fill in a notebook."""
        value = self.expected()
        if isinstance(value, tuple):
            return math.sqrt(value[0] * value[1]) if value[0] > 0 else 0.5 * (value[0] + value[1])
        return value

    def wrong_answer(self):
        """A typical wrong answer (the first trap, or the first wrong option)."""
        if self.options:
            return next(key for key, _ in self.options if key != self.answer)
        trap = self.traps[0][0]
        return math.sqrt(trap[0] * trap[1]) if isinstance(trap, tuple) else trap


# --------------------------------------------------------------------------- answers computed by flowkit


def _gate_N():
    """Chapter 3: the smallest N for which one step's gate count is within 5 % of Fick's prediction (1 sigma).

    p = 0.5, counts before the step taken from the master equation after 99
    steps (all N particles start on site 0); the gate sits between sites 0 and
    1. Net crossings in one step have mean (p/2)(N_0 - N_1) and, given the
    counts, variance (p/2)(1 - p/2)(N_0 + N_1) (two independent binomials).
    """
    import numpy as np

    from flowkit import randomwalk

    start = np.zeros(401, dtype=np.int64)
    start[200] = 1
    P = randomwalk.master_equation(start, steps=99, p=0.5)
    P0, P1 = P[200], P[201]
    h = 0.25  # p/2
    return (math.sqrt(h * (1 - h) * (P0 + P1)) / (0.05 * h * (P0 - P1))) ** 2


def _gate_N_range():
    n_star = _gate_N()
    # the formula gives n_star; the slider moves in quarter decades (x1.78), so its first value past n_star
    # may be up to 1.78 n_star (at p = 0.5, t = 100: n_star = 4.2e8, the slider's 5.6e8)
    return (0.8 * n_star, 1.45 * n_star)


def _match_hours():
    """Chapter 2: hours at 800 C that give the profile of 1 h at 900 C (zinc in copper, Q = 189 kJ/mol)."""
    from flowkit import fick

    return fick.arrhenius(2.4e-5, 189e3, 1173.15) / fick.arrhenius(2.4e-5, 189e3, 1073.15)


def _helium_height_km():
    return _K_B * 288.15 / (4.002602 * _U * _G) / 1e3


def _n2_eta(T):
    from flowkit import analogies

    return analogies.hard_sphere_viscosity(28.0134 * _U, T, 3.681e-10)


def _fermi_tenth():
    """Chapter 5: T / T_F at which the Fermi-Dirac effusion flux is 10 % above its T = 0 value."""
    from scipy.optimize import brentq

    from flowkit import analogies

    n, m = 2.65e28, 9.1093837015e-31
    T_F = analogies.fermi_energy(n, m) / _K_B
    cold = analogies.fermi_effusion_flux(n, m)
    return brentq(lambda x: analogies.effusion_flux_fd(n, m, x * T_F) / cold - 1.1, 0.05, 5.0, xtol=1e-10)


def _geo_density():
    """Chapter 6: solar-wind density (cm^-3) at 400 km/s that puts the magnetopause at 6.6 R_E."""
    from flowkit import applications

    r0 = applications.magnetopause_standoff(5e6, 4e5)  # 5 cm^-3
    return 5.0 * (r0 / 6.6) ** 6


def _inkjet_seconds():
    from flowkit import applications

    c_sat = 3.17e3 * 0.018015 / (_R * 298.15)
    return applications.drop_drying_time(1e-4, 0.35, 2.5e-5, c_sat, 0.5)


def _vesicle_speed_um_s():
    from flowkit import applications

    return 10.0 * applications.stokes_einstein(0.5e-6) / 50e-6 * 1e6


_COMPUTED = {
    "02.try.match": _match_hours,
    "03.try.gate": _gate_N_range,
    "04.try.helium": _helium_height_km,
    "05.try.eta600": lambda: _n2_eta(600.0),
    "05.try.fermi": _fermi_tenth,
    "06.try.geo": _geo_density,
    "06.try.inkjet": _inkjet_seconds,
    "06.try.vesicle": _vesicle_speed_um_s,
}


@cache
def _evaluate(question_id):
    return _COMPUTED[question_id]()


def _computed(question_id):
    """Placeholder answer: computed by the function registered in _COMPUTED."""
    return _COMPUTED[question_id]


# --------------------------------------------------------------------------- the questions

_NET = "a net flux vs a one-sided count of crossings"
_DOWNHILL = "the flux runs down the gradient, whatever side holds more particles"
_SQRT_T = "spread grows like sqrt(t), not t, and more walkers do not spread faster"
_MU = "particles flow from high to low chemical potential, not always from high to low density"
_SCHMIDT = "momentum and a solute diffuse by the same law at very different rates (Schmidt number)"
_SIXTH = "the magnetopause moves only as the -1/6 power of the wind's pressure"

QUESTIONS = (
    # ------------------------------------------------------------------ chapter 0 (a practice question)
    Question(
        "00.alphas",
        "A 1 uA beam of alpha particles (charge 2e): how many particles per second?",
        1e-6 / (2 * _E),
        rtol=0.02,
        unit="1/s",
        misconception="a current counts charges, not particles",
        name="alphas per second",
        traps=(
            (1e-6 / _E, "That is the number of elementary charges per second. Each alpha carries two of them."),
            (2e-6 / _E, "Each alpha carries two charges, so fewer alphas than charges pass per second, not more."),
        ),
        hint="Particles per second = current / charge per particle.",
        why="1e-6 A / (2 x 1.602e-19 C) = 3.1e12 alphas per second: half the proton count at the same current.",
    ),
    # ------------------------------------------------------------------ chapter 1
    Question(
        "01.area",
        "Current fixed, spot area doubled: by what factor does the flux change?",
        0.5,
        misconception="flux is a count per unit area, not a count",
        name="flux factor",
        traps=(
            (
                2.0,
                "A bigger spot does not collect more particles: the current fixes how many arrive per second. "
                "What does spreading the same particles over more area do to a count per square metre?",
            ),
            (1.0, "The particle rate per second stays the same, but the flux divides that rate by the area."),
        ),
        hint="Write J = I/(qA) and change only A.",
        why="The same particles per second spread over twice the area: half the flux.",
    ),
    Question(
        "01.charge",
        "Same current, alphas (2e) replaced by protons (e): by what factor does the flux change?",
        2.0,
        misconception="less charge per particle means fewer particles",
        name="flux factor",
        traps=(
            (
                0.5,
                "Less charge per particle does not mean a weaker beam: the meter fixes the charge per second, "
                "so each particle carrying less charge means more particles per second.",
            ),
            (1.0, "The current is charge per second, not particles per second: the charge of each particle matters."),
        ),
        hint="Write N-dot = I/q and halve q.",
        why="Half the charge per particle at the same current: twice as many particles per second.",
    ),
    Question(
        "01.still_air",
        "Still air at 1 atm: the flux J through a small window in the middle of the room is?",
        "b",
        misconception=_NET,
        name="your choice",
        options=(
            (
                "a",
                "That is the one-sided count, how many molecules cross from one side. Molecules cross just as "
                "often the other way, and J counts crossings with a sign.",
            ),
            (
                "b",
                "J is a net count: in still air as many molecules cross each way, so J = 0 although the "
                "one-sided rate is enormous. Flux measures imbalance, not activity.",
            ),
            (
                "c",
                "Halving the one-sided count still counts only one direction. The net count subtracts the "
                "crossings the other way, which are just as many.",
            ),
            (
                "d",
                "Turning the window changes a flux only when there is one; for still air every orientation "
                "gives the same answer.",
            ),
        ),
    ),
    Question(
        "01.gamma",
        "A probe at u = 0.6 c sees the dust density as how many times n0?",
        1.25,
        rtol=0.01,
        misconception="a moving observer sees fewer particles per volume (time dilation instead of length contraction)",
        name="n / n0",
        traps=(
            (
                0.8,
                "Moving does not thin the cloud: a box holding a fixed number of grains is shorter along the "
                "motion, so the same grains share a smaller volume.",
            ),
            (1.0, "Everybody agrees on the number of grains, but not on the volume they fill."),
        ),
        hint="Length contraction shrinks the volume by gamma; the count is the same for everyone.",
        why="gamma(0.6 c) = 1/sqrt(1 - 0.36) = 1.25: the contracted box holds the same grains.",
    ),
    Question(
        "01.try.current",
        "Protons on 1 mm^2: which current (A) gives a flux of 1e18 m^-2 s^-1?",
        1e18 * _E * 1e-6,
        rtol=0.05,
        unit="A",
        name="current",
        traps=(
            (2e18 * _E * 1e-6, "That current would give 1e18 with alphas (2e); the goal is a proton beam."),
            (1e18 * _E, "The area must be in m^2: 1 mm^2 = 1e-6 m^2."),
        ),
        hint="I = J q A, with q = e and A in m^2; then check it on the current slider.",
        why="I = J e A = 1e18 x 1.602e-19 C x 1e-6 m^2, about 0.16 uA.",
    ),
    Question(
        "01.try.beta",
        "Which observer speed beta = u/c doubles the density seen?",
        math.sqrt(3.0) / 2.0,
        rtol=0.015,
        name="beta",
        traps=(
            (0.5, "gamma is 1/sqrt(1 - beta^2), not 1/(1 - beta)."),
            (1.0 / math.sqrt(2.0), "Do not forget the square root: gamma = 2 needs 1 - beta^2 = 1/4."),
        ),
        hint="Solve gamma = 1/sqrt(1 - beta^2) = 2, then read gamma n0 on the readout.",
        why="1 - beta^2 = 1/4, so beta = sqrt(3)/2 = 0.866.",
    ),
    Question(
        "01.try.invariant",
        "At beta = 0.99, the invariant rest density, as a multiple of n0?",
        1.0,
        rtol=0.01,
        misconception=_NET,
        name="invariant / n0",
        traps=(
            (
                (5.0, 10.0),
                "That is gamma, the factor by which the density you see has grown. The invariant "
                "combines density and wind so that the growth cancels.",
            ),
        ),
        hint="Compute sqrt((N^0)^2 - |N|^2)/c from the readout's density and wind.",
        why="(gamma n0 c)^2 - (gamma n0 u)^2 = (n0 c)^2: every observer infers the same rest density.",
    ),
    # ------------------------------------------------------------------ chapter 2
    Question(
        "02.sign",
        "Most particles on the left, but at point P the concentration rises towards +x: which way is J at P?",
        "b",
        misconception=_DOWNHILL,
        options=(
            (
                "a",
                "Where the bulk of the particles sits does not set the local flux. Fick's law is local: only "
                "the slope at P counts, and there it rises to the right.",
            ),
            (
                "b",
                "J = -D dn/dx: the slope at P is positive, so J points to -x, down the local gradient, even "
                "though most particles are on the left.",
            ),
            ("c", "The flux is zero only where the profile is flat; at P it has a slope."),
        ),
    ),
    Question(
        "02.width",
        "Anneal four times longer: by what factor does the width of the mixed zone grow?",
        2.0,
        misconception="spreading grows like t",
        name="width factor",
        traps=(
            (4.0, "The profile depends on x/sqrt(Dt), so the width grows like the square root of time, not like time."),
            (16.0, "The width grows more slowly than time, not faster."),
        ),
        hint="The erf profile depends on x and t only through x / (2 sqrt(D t)).",
        why="Width ~ sqrt(D t): four times the time, twice the width.",
    ),
    Question(
        "02.joint",
        "Flux at the joint after 10 h, as a fraction of the flux after 1 h?",
        1.0 / math.sqrt(10.0),
        rtol=0.03,
        name="J(10 h) / J(1 h)",
        traps=(
            (0.1, "The gradient at the joint relaxes like 1/sqrt(t), not 1/t: the mixed zone widens like sqrt(t)."),
            (1.0, "The concentration at the joint stays fixed, but the flux follows the slope there, which relaxes."),
        ),
        hint="J(0, t) = (n_L - n_R)/2 sqrt(D/(pi t)).",
        why="J ~ t^(-1/2): 1/sqrt(10) = 0.32.",
    ),
    Question(
        "02.reach",
        "Ink needs time t to spread a distance L: how many times longer to spread 10 L?",
        100.0,
        misconception="spreading grows like t",
        name="time factor",
        traps=(
            (
                10.0,
                "Diffusion is not a steady drift: the distance grows like sqrt(t), so time grows like distance squared.",
            ),
        ),
        hint="Use <x^2> = 2 D t.",
        why="t ~ L^2/(2D): ten times the distance takes a hundred times as long.",
    ),
    Question(
        "02.try.swap",
        "Right bar richer than the left: the sign of the flux at the joint (+1 or -1)?",
        -1.0,
        rtol=0.01,
        misconception=_DOWNHILL,
        name="sign of J",
        traps=(
            (1.0, "After the swap the concentration rises towards +x at the joint; J = -D dn/dx then points to -x."),
        ),
        hint="Type +1 if the arrow points to +x (right), -1 if it points left.",
        why="The flux always runs from the richer bar to the poorer one, against the gradient.",
    ),
    Question(
        "02.try.match",
        "Hours of annealing at 800 C that give the same profile as 1 h at 900 C (Zn in Cu)?",
        _computed("02.try.match"),
        rtol=0.05,
        unit="h",
        name="annealing time",
        traps=(
            ((2.4, 2.55), "The width is sqrt(Dt), but two profiles are the same only when Dt itself is the same."),
            ((0.15, 0.18), "At the colder temperature D is smaller, so you need more time, not less."),
        ),
        hint="Only the product D t matters. Read D at both temperatures off the readout.",
        why="D(900 C)/D(800 C) = exp[(Q/R)(1/T1 - 1/T2)], about 6: six hours at 800 C.",
    ),
    Question(
        "02.try.peak2d",
        "2D ink drop: by what factor does the peak fall when the time doubles?",
        0.5,
        name="peak factor",
        traps=((1.0 / math.sqrt(2.0), "That is the 1D law, peak ~ t^(-1/2). In 2D the ink escapes along both axes."),),
        hint="The peak of a Gaussian in d dimensions is (4 pi D t)^(-d/2).",
        why="In 2D the peak is 1/(4 pi D t): doubling t halves it.",
    ),
    # ------------------------------------------------------------------ chapter 3
    Question(
        "03.sqrt",
        "Four times as many steps: by what factor does the rms spread grow?",
        2.0,
        misconception=_SQRT_T,
        name="spread factor",
        traps=(
            (
                4.0,
                "That would be a walker that always steps the same way. Left and right steps mostly cancel: "
                "the mean square grows like the number of steps, the spread like its square root.",
            ),
        ),
        hint="<x^2> = M p l^2 (M ticks): what happens to its square root?",
        why="<x^2> grows like t, so the rms spread grows like sqrt(t): twice as far.",
    ),
    Question(
        "03.crowd",
        "Raise N from 10 to 1e9 particles at fixed p and t: what happens to the spread <x^2>?",
        "b",
        misconception=_SQRT_T,
        options=(
            (
                "a",
                "The particles do not interact: none of them knows the others are there, so a crowd cannot "
                "push itself apart faster.",
            ),
            (
                "b",
                "Each particle walks on its own, so <x^2> = p t whatever N is; only the noise around the "
                "average shrinks, like 1/sqrt(N).",
            ),
            ("c", "More particles do not get in each other's way on this lattice: they pass through each other."),
        ),
    ),
    Question(
        "03.halfp",
        "Halve the hop probability p: by what factor does the slope of <x^2> against t change?",
        0.5,
        name="slope factor",
        traps=(
            (0.25, "The MSD is linear in p: each tick adds p l^2, not p^2 l^2."),
            (1.0 / math.sqrt(2.0), "That is how the rms spread changes; the question is about the mean square."),
        ),
        hint="<x^2> = p l^2 t / tau.",
        why="D = p l^2/(2 tau) is proportional to p.",
    ),
    Question(
        "03.noise",
        "100 times more particles: by what factor does the histogram's noise shrink?",
        0.1,
        name="noise factor",
        traps=(
            (
                0.01,
                "Counting noise grows like sqrt(N) while the signal grows like N: relative noise goes as 1/sqrt(N).",
            ),
        ),
        hint="A site holding k particles fluctuates by about sqrt(k).",
        why="Relative noise ~ 1/sqrt(N): a factor 100 in N buys a factor 10.",
    ),
    Question(
        "03.try.parity",
        "p = 1, a few steps: what fraction of the sites inside the spread are empty?",
        0.5,
        rtol=0.1,
        name="empty fraction",
        traps=(
            (
                0.0,
                "Look again with p = 1 and few steps: after an even number of steps, can a walker be on an odd site?",
            ),
        ),
        hint="Every step changes the position by +1 or -1.",
        why="With p = 1 the parity of the position follows the parity of the step count: every other site is empty.",
    ),
    Question(
        "03.try.gate",
        "p = 0.5, t = 100: the smallest N for which sigma of one step's gate count is under 5 % of Fick's prediction?",
        _computed("03.try.gate"),
        name="N",
        traps=(
            (
                (1e2, 1e5),
                "With so few particles a single step's count is mostly noise; the prediction near the "
                "centre, (p/2)(N_0 - N_1), is a small difference of two large counts.",
            ),
        ),
        hint="Mean (p/2)(N_0 - N_1), spread sigma = sqrt((p/2)(1 - p/2)(N_0 + N_1)); the ratio falls like 1/sqrt(N).",
        why="sigma/mean falls like 1/sqrt(N); near the centre N_0 - N_1 is small, so it takes hundreds of millions.",
    ),
    Question(
        "03.try.steps",
        "p halved from 1 to 0.5: by what factor must the number of steps grow to get the same spread?",
        2.0,
        name="step factor",
        traps=(
            (4.0, "The MSD is p t: linear in both p and t, so halving p is undone by doubling t."),
            (math.sqrt(2.0), "The same spread means the same <x^2> = p t, not the same sqrt(t)."),
        ),
        hint="Same spread means the same p t.",
        why="<x^2> = p t (lattice units): half the p, twice the steps.",
    ),
    # ------------------------------------------------------------------ chapter 4
    Question(
        "04.volumes",
        "V1/V2 = 4 and N1/N = 0.8: which way do atoms flow?",
        "b",
        misconception=_MU,
        options=(
            (
                "a",
                "More atoms is not the same as a higher chemical potential. Box 1 is four times larger, so its "
                "density equals box 2's.",
            ),
            ("b", "Both boxes have the same density at the same T, so mu1 = mu2: no net flow, and S(t) stays flat."),
            ("c", "Box 2 has fewer atoms and the same density: nothing drives atoms into it."),
        ),
    ),
    Question(
        "04.jar",
        "Closed jar, liquid water 40 000 times denser than the saturated vapour above it: net flow?",
        "b",
        misconception=_MU,
        options=(
            (
                "a",
                "A density rule says evaporation should go on; it does not, because the liquid's chemical "
                "potential is not set by its density alone (the molecules are bound to each other).",
            ),
            (
                "b",
                "Saturated vapour and liquid have the same mu: no net evaporation or condensation, despite a "
                "huge density difference.",
            ),
            ("c", "Nothing drives condensation either: equal chemical potentials mean no net flow either way."),
        ),
    ),
    Question(
        "04.dmu",
        "Helium at 300 K: raising the pressure tenfold raises mu by how many meV?",
        _K_B * 300.0 * math.log(10.0) / _E * 1e3,
        rtol=0.03,
        unit="meV",
        name="delta mu",
        traps=(
            ((25.0, 26.5), "That is k_B T itself. mu depends on the logarithm of the pressure: multiply by ln 10."),
            (
                (250.0, 265.0),
                "mu grows with the logarithm of the pressure, not in proportion: ten times the pressure is k_B T ln 10.",
            ),
        ),
        hint="At fixed T, delta mu = k_B T ln(P1/P2); k_B T = 25.9 meV at 300 K.",
        why="k_B T ln 10 = 25.9 meV x 2.303, about 60 meV per decade of pressure.",
    ),
    Question(
        "04.G",
        "Valve conductance G ten times larger: by what factor does the total entropy produced change?",
        1.0,
        rtol=0.01,
        misconception="a faster process makes more entropy",
        name="entropy factor",
        traps=(
            (
                10.0,
                "G sets how fast the gas gets there, not where it ends: the final state, and the entropy "
                "difference between start and end, does not depend on G.",
            ),
            (0.1, "The relaxation is faster, but the start and end states are the same."),
        ),
        hint="The closed form of worked problem 2 has no G in it.",
        why="Delta S depends only on the initial and final states; G changes only the time it takes.",
    ),
    Question(
        "04.try.split",
        "V1/V2 = 4, N1/N = 0.5 at the start: the final N1/N on the readout?",
        0.8,
        rtol=0.01,
        misconception=_MU,
        name="final N1/N",
        traps=((0.5, "Equal numbers are not equilibrium when the volumes differ: equal mu means equal density."),),
        hint="At equilibrium the densities match: N1/V1 = N2/V2.",
        why="Equal densities put 4/5 of the atoms in the four-times-larger box.",
    ),
    Question(
        "04.try.tau",
        "Conductance G ten times larger: by what factor does the relaxation time change?",
        0.1,
        name="time factor",
        traps=(
            (1.0, "The end state does not change, but the speed does: t_relax = 1/(G k_B T (1/N1* + 1/N2*))."),
            (10.0, "A larger valve empties faster, not slower."),
        ),
        hint="t_relax is inversely proportional to G.",
        why="t_relax ~ 1/G: ten times the conductance, a tenth of the time.",
    ),
    Question(
        "04.try.helium",
        "The scale height of helium at 288 K, in km?",
        _computed("04.try.helium"),
        rtol=0.03,
        unit="km",
        name="H(He)",
        traps=(((8.5, 8.9), "That is nitrogen's scale height. Helium atoms are seven times lighter."),),
        hint="H = k_B T/(m g) with m = 4.0026 u.",
        why="H is inversely proportional to the mass: 28/4 = 7 times nitrogen's 8.7 km.",
    ),
    Question(
        "04.try.coupling",
        "L11 = 1, L22 = 0.6, L12 = L21: the largest coupling before red appears?",
        (0.74, 0.785),  # sqrt(0.6) = 0.7746; the slider (step 0.05) shows 0.75 last, 0.80 is already red
        name="largest L12",
        traps=(
            (
                (0.95, 1.05),
                "The limit is not the larger diagonal entry: sigma >= 0 for every force needs L12^2 <= L11 L22.",
            ),
            ((0.58, 0.62), "The limit is not the smaller diagonal entry, but the geometric mean of the two."),
        ),
        hint="sigma T = X.L X >= 0 for every direction needs L11 L22 >= L12^2.",
        why="sqrt(L11 L22) = sqrt(0.6) = 0.77; beyond it some force direction destroys entropy.",
    ),
    Question(
        "04.try.dorn",
        "KCl diluted tenfold (K x 0.1, same zeta): by what factor does the sedimentation field grow?",
        10.0,
        name="field factor",
        traps=(
            (0.1, "Fewer ions carry less of the compensating ohmic current, so a larger field is needed: E ~ 1/K."),
        ),
        hint="E_sed = -eps zeta phi drho g/(eta K).",
        why="E_sed ~ 1/K: a tenth of the conductivity, ten times the field (more still, as zeta grows).",
    ),
    # ------------------------------------------------------------------ chapter 5
    Question(
        "05.schmidt",
        "The Schmidt number nu/D for a small solute in water, to an order of magnitude?",
        (300.0, 3000.0),
        misconception=_SCHMIDT,
        name="Sc",
        traps=(
            (
                (0.3, 3.0),
                "Close to 1 holds in a gas, where the same molecules carry momentum and mass. In a liquid "
                "momentum passes from neighbour to neighbour, while a solute must wander itself.",
            ),
        ),
        hint="nu(water) = 1e-6 m^2/s; a small solute has D ~ 1e-9 m^2/s.",
        why="1e-6/1e-9 = 1000: momentum spreads a thousand times faster than the solute.",
    ),
    Question(
        "05.pressure",
        "Double the pressure of a gas at fixed T: its viscosity?",
        "b",
        misconception="a denser gas is more viscous",
        options=(
            ("a", "Twice the carriers, yes, but each carries momentum only half as far: the free path halves."),
            ("b", "eta = (1/3) n m <v> lambda and lambda ~ 1/n: the density cancels (Maxwell, 1860)."),
            ("c", "The shorter free path is compensated exactly by the extra carriers."),
        ),
    ),
    Question(
        "05.eta_T",
        "Hard-sphere gas from 300 K to 600 K: by what factor does its viscosity change?",
        math.sqrt(2.0),
        rtol=0.02,
        misconception="a gas thins when heated, like honey",
        name="viscosity factor",
        traps=(
            (
                1.0 / math.sqrt(2.0),
                "Liquids thin when heated; a gas thickens: faster molecules carry momentum more quickly.",
            ),
            (0.5, "Liquids thin when heated; a gas thickens: faster molecules carry momentum more quickly."),
            (2.0, "The viscosity follows <v>, which grows like sqrt(T), not like T."),
        ),
        hint="eta ~ m <v>/d^2 with <v> ~ sqrt(T).",
        why="eta ~ sqrt(m T)/d^2: sqrt(2) = 1.41.",
    ),
    Question(
        "05.fermi",
        "Sodium's electrons cooled towards T = 0: their effusion flux through a hole?",
        "b",
        misconception="cold particles stop moving",
        options=(
            (
                "a",
                "A classical gas stops at T = 0; electrons cannot: the Pauli principle keeps them in states up "
                "to the Fermi speed.",
            ),
            ("b", "The filled Fermi sphere keeps moving: the flux tends to (3/16) n v_F, independent of T."),
            ("c", "The speeds are bounded by v_F, so the flux stays finite."),
        ),
    ),
    Question(
        "05.try.eta600",
        "Hard-sphere viscosity of N2 at 600 K (d = 3.681e-10 m), in Pa s?",
        _computed("05.try.eta600"),
        rtol=0.02,
        unit="Pa s",
        name="eta(600 K)",
        traps=(
            ((3.5e-5, 3.9e-5), "That doubles eta, as if it grew like T; it grows like sqrt(T)."),
            ((1.75e-5, 1.9e-5), "That is the 300 K value: heating a gas changes its viscosity."),
        ),
        hint="Call analogies.hard_sphere_viscosity(m_N2, 600.0, d_N2).",
        why="sqrt(2) x the 300 K value. Real N2 (2.9e-5 Pa s) grows faster: molecules are soft, and fast ones overlap more.",
    ),
    Question(
        "05.try.glycerol",
        "Start-up time h^2/(pi^2 nu) of a 1 cm glycerol gap (nu = 1.1e-3 m^2/s), in seconds?",
        0.01**2 / (math.pi**2 * 1.1e-3),
        rtol=0.05,
        unit="s",
        misconception="a viscous fluid is slow to respond",
        name="start-up time",
        traps=(
            ((0.6, 0.75), "That is air. Glycerol has the larger nu, and nu is how fast momentum diffuses."),
            ((9.0, 11.0), "That is water, for which worked problem 2 computed it."),
        ),
        hint="A larger kinematic viscosity spreads momentum faster.",
        why="About 9 ms: the most viscous fluid reaches the Couette profile first, because nu is a diffusivity.",
    ),
    Question(
        "05.try.fermi",
        "T/T_F at which the Fermi-gas effusion flux is 10 % above its T = 0 value?",
        _computed("05.try.fermi"),
        rtol=0.05,
        name="T/T_F",
        traps=(((0.0, 0.02), "At room temperature (T/T_F ~ 0.01) the flux has risen by far less than 10 %."),),
        hint="In the Fermi view, raise T until the ratio to the cold value reads 1.10, then divide by T_F.",
        why="The answer depends only on T/T_F, so changing n moves T_F but not the fraction.",
    ),
    # ------------------------------------------------------------------ chapter 6
    Question(
        "06.double",
        "The solar wind's pressure doubles: by what factor does the stand-off distance change?",
        2.0 ** (-1.0 / 6.0),
        rtol=0.01,
        misconception=_SIXTH,
        name="distance factor",
        traps=(
            (
                0.5,
                "The boundary is not pushed in proportion to the pressure: the magnetic pressure B^2/2mu0 grows "
                "like r^-6 as the boundary moves in, so a small step balances a big push.",
            ),
            (2.0**-0.5, "B ~ r^-3, and the pressure goes as B^2, i.e. as r^-6, not r^-2."),
            (2.0 ** (-1.0 / 3.0), "The pressure goes as B^2, not B: r^-6, not r^-3."),
        ),
        hint="Balance (2 B0 (R_E/r)^3)^2/(2 mu0) against n m_p v^2 and solve for r.",
        why="r ~ P_dyn^(-1/6): 2^(-1/6) = 0.89, only 11 % closer.",
    ),
    Question(
        "06.exponent",
        "r/R_E ~ P_dyn^a: the exponent a?",
        -1.0 / 6.0,
        rtol=0.02,
        misconception=_SIXTH,
        name="a",
        traps=(
            (1.0 / 6.0, "A stronger push moves the boundary in: the exponent is negative."),
            (-1.0 / 3.0, "The dipole field falls as r^-3, but its pressure goes as B^2."),
            (-0.5, "The pressure of the field goes as r^-6, not r^-2."),
        ),
        hint="Magnetic pressure ~ B^2 ~ r^-6.",
        why="P_dyn ~ r^-6, so r ~ P_dyn^(-1/6).",
    ),
    Question(
        "06.drying",
        "t_f ~ R^a for a pinned drop of fixed contact angle: the exponent a?",
        2.0,
        rtol=0.02,
        misconception="evaporation is set by the drop's area",
        name="a",
        traps=(
            (
                3.0,
                "The drop's mass grows like R^3, but its evaporation rate grows too: like R (diffusion through "
                "the air), not like a constant.",
            ),
            (1.0, "The evaporation rate grows like R, not like the area R^2; the mass grows like R^3."),
        ),
        hint="t_f = mass / rate, mass ~ R^3 theta, rate = 4 D_v rho_sat (1 - RH) R.",
        why="R^3/R = R^2: a ten times smaller drop dries a hundred times faster.",
    ),
    Question(
        "06.carriers",
        "U = 5 um/s across L = 50 um: which carrier can the nodal flow hold to one side?",
        "c",
        misconception="a flow sweeps everything along",
        options=(
            (
                "a",
                "A small molecule diffuses across the node faster than the flow carries it (Pe < 1): it is smeared evenly.",
            ),
            ("b", "A free protein has Pe of order one: the flow biases it only weakly."),
            ("c", "A micrometre vesicle diffuses so slowly that Pe is in the hundreds: the flow wins."),
        ),
    ),
    Question(
        "06.try.geo",
        "At v = 400 km/s, which density (cm^-3) puts the magnetopause at 6.6 R_E?",
        _computed("06.try.geo"),
        rtol=0.1,
        unit="cm^-3",
        misconception=_SIXTH,
        name="n",
        traps=(
            ((6.0, 10.0), "Scaling the density with the distance ignores the sixth power: r ~ n^(-1/6)."),
            ((15.0, 40.0), "The field's pressure goes as r^-6, not r^-3."),
        ),
        hint="n = n_quiet (r_quiet / 6.6)^6, with r_quiet from worked problem 1.",
        why="The density must rise by (r_quiet/6.6)^6, about fourteen-fold: the sixth power makes the boundary stiff.",
    ),
    Question(
        "06.try.inkjet",
        "Drying time of a 0.1 mm drop (same angle, 25 C, 50 % RH), in seconds?",
        _computed("06.try.inkjet"),
        rtol=0.05,
        unit="s",
        name="t_f",
        traps=(
            ((0.15, 0.35), "That scales t_f like R^3; the evaporation rate shrinks with R too."),
            ((20.0, 30.0), "That scales t_f like R; the mass shrinks like R^3 and the rate like R."),
        ),
        hint="t_f ~ R^2: scale the 1 mm result.",
        why="A hundredth of the 1 mm drop's time: a few seconds.",
    ),
    Question(
        "06.try.vesicle",
        "Flow speed (um/s) that gives Pe = 10 for the 1 um vesicle across L = 50 um?",
        _computed("06.try.vesicle"),
        rtol=0.05,
        unit="um/s",
        name="U",
        traps=(((5e-8, 2e-7), "That is the speed in m/s; the question asks for micrometres per second."),),
        hint="U = Pe D / L with D from Stokes-Einstein at 310 K.",
        why="A tenth of a micrometre per second is enough: the nodal flow is fifty times faster.",
    ),
)

_BY_ID = {q.id: q for q in QUESTIONS}
if len(_BY_ID) != len(QUESTIONS):  # pragma: no cover - a duplicate id is a bug in this file
    raise RuntimeError("duplicate question id in flowkit.inquiry")


def question(question_id):
    """The :class:`Question` with this id.

    Raises
    ------
    ValueError
        When no question has this id (the message lists the chapter's ids).
    """
    if not isinstance(question_id, str) or question_id not in _BY_ID:
        prefix = question_id.split(".")[0] if isinstance(question_id, str) else ""
        known = sorted(k for k in _BY_ID if k.startswith(prefix + ".")) or sorted(_BY_ID)
        raise ValueError(f"question_id must be one of {known}; got {question_id!r}")
    return _BY_ID[question_id]


def for_chapter(number):
    """All questions of chapter ``number`` (0 is the start page's practice question), predictions first."""
    qs = [q for q in QUESTIONS if q.chapter == number]
    return sorted(qs, key=lambda q: q.kind != "predict")
