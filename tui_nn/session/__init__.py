"""The trainer process and the proxy the app talks to."""
