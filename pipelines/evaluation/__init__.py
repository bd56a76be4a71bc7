"""Closed-loop evaluation on the simulator: nightshift's decisions scored against what the
simulated chain says happens (promotions against the oracle's true effects, staffing plans by
replaying the days with each schedule). Pure logic on an in-memory simulation; no database."""
