"""Settings: one page per topic (Picard-style load / save / restore defaults)."""
