"""Reading the files provincial offices keep (and writing the bundled layouts)."""
