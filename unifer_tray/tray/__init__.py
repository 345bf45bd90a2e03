"""The system-tray utility: a thin shell over the pipeline (icon, menu, hotkeys, IPC)."""
