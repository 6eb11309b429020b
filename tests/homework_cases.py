"""Per-assignment data for the homework grading tests (tests/test_homework.py). Data only.

The assignment list itself comes from :data:`flowkit.chapters.HOMEWORK`; every assignment
named there needs one entry in each table below. Each entry names cells by their nbgrader
``grade_id`` in ``notebooks/homework/source/<hw>/<hw>.ipynb``.

WRONG
    One honest slip: ``(answer_id, line appended to that answer cell, test_id that must
    lose all its points)``. Every other question keeps its points. A visible check should
    catch it with an actionable hint; ``WRONG_HINT`` is a phrase that hint must contain.
NEAR
    One answer 1.5 times too large, inside the visible check's plausible range, so only the
    hidden comparison catches it: ``(answer_id, line appended, test_id that loses its points)``.
RUNAWAY
    ``(answer_id, test_id)``: the student's own ``@njit`` loop that never returns is put at
    the top of this answer cell. Only ``test_id`` may lose points, so pick an answer whose
    variables no later answer cell uses.
"""

WRONG = {
    "hw01_flux": ("q1_answer", "J_beam = -J_beam  # sign of the beam flux flipped", "q1_test"),
    "hw02_ficks_law": ("q1_answer", "J_sugar = -J_sugar  # forgot the minus sign of Fick's law", "q1_test"),
    "hw03_random_walk": ("q3_answer", "D_fit = 2 * D_fit  # dropped the 2 in MSD = 2 D t", "q3_test"),
    "hw04_chemical_potential": ("q1_answer", "mu_He = -mu_He  # took ln(1 / (n lambda^3))", "q1_test"),
    "hw05_analogies": ("q1_answer", "v_F = v_F * 1e-3  # answered in km/s, not m/s", "q1_test"),
    "hw06_applications": ("q1_answer", "p_wind = p_wind * 1e9  # answered in nPa, not Pa", "q1_test"),
}

# hw01 and hw06: the visible check catches the slip (a sign where the sign is not asked; a units slip
# of 1e9, which its wide window reports as the smallest power of ten that would fit); the others pass the form-only visible check and the hidden check diagnoses them in the
# graded feedback.
WRONG_HINT = {
    "hw01_flux": "wrong sign",
    "hw02_ficks_law": "wrong sign",
    "hw03_random_walk": "factor 2",
    "hw04_chemical_potential": "wrong sign",
    "hw05_analogies": "1e3 times too small",
    "hw06_applications": "unit conversion",
}

NEAR = {
    "hw01_flux": ("q1_answer", "J_beam = 1.5 * J_beam", "q1_test"),
    "hw02_ficks_law": ("q5_answer", "x_quarter = 1.5 * x_quarter", "q5_test"),
    "hw03_random_walk": ("q1_answer", "D_hop = 1.5 * D_hop", "q1_test"),
    "hw04_chemical_potential": ("q3_answer", "L12_max = 1.5 * L12_max", "q3_test"),
    "hw05_analogies": ("q1_answer", "v_F = 1.5 * v_F", "q1_test"),
    "hw06_applications": ("q5_answer", "t_half_rim = 1.5 * t_half_rim", "q5_test"),
}

RUNAWAY = {
    "hw01_flux": ("q2_answer", "q2_test"),
    "hw02_ficks_law": ("q3_answer", "q3_test"),
    "hw03_random_walk": ("q3_answer", "q3_test"),
    "hw04_chemical_potential": ("q2_answer", "q2_test"),
    "hw05_analogies": ("q2_answer", "q2_test"),
    "hw06_applications": ("q2_answer", "q2_test"),
}
