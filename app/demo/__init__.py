"""Demo content: the fictional town of Musterstadt, loaded with `flask seed-demo`."""
