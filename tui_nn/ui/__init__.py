"""The Textual app: renders snapshots, sends commands."""
