"""The trainer process, the client the app uses to reach it, and the protocol between them."""
