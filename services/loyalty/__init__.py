"""loyalty: points ledger, tiers, rewards and retention."""
