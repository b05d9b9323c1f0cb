"""Turn numbers, units and periods into what they mean and back into text, per language."""
