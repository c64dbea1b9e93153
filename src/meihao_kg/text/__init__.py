"""Stage 1–2: raw bytes → normalised text with an offset map → segmented sections; number parsing."""
