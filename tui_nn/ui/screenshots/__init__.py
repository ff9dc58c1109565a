"""Screenshots: S saves an SVG of the screen; the headless driver takes one without a terminal (--screenshot)."""
