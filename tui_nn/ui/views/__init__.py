"""The lower-right views: decision boundary, fit plot, confusion matrix, sample strip; which one the data gets."""
