"""What several model families share: device choice and autocast for torch, NaN-aware means."""
