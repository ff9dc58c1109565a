"""Lessons (tui-nn lesson NAME): the lesson's text and goal beside the app, and its locked controls."""
