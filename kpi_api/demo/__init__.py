"""The synthetic demo dataset (`synthetic`) and its loader (`loader`)."""
