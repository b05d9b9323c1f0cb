"""Turn source files into text that quotes are found in, and into the figures they state."""
