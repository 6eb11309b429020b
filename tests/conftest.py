"""Shared test set-up: a headless matplotlib backend and fixed seeds."""

import os

import matplotlib

# Apps are built under Agg in tests, exactly as the DESIGN asks (no display, no ipympl canvas).
matplotlib.use("Agg")
os.environ.setdefault("MPLBACKEND", "Agg")
