"""Shared test set-up: a headless matplotlib backend and fixed seeds."""

import os

import matplotlib

# Apps are built under Agg in tests: no display and no ipympl canvas, so they run headless in CI.
matplotlib.use("Agg")
os.environ.setdefault("MPLBACKEND", "Agg")
