"""The app's link to its trainers: the session, the bridge to the UI thread, what is pending, where runs are kept (save, detach, hang-up)."""
