"""letterdesk: write to the officials who represent you."""
