"""Drawing rows of cells: the row cache and the Line-API base widget, colour palettes and scales, half-block pixels, the repaint budget."""
