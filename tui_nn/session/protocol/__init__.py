"""What the app and the trainer say to each other: commands, snapshots, hellos, where they meet."""
