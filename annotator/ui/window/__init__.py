"""The window's shell: the main window and its layout, the menus, the coding session's
safety (place, crash marker, backups), user settings, start-up, and the dialogs every
feature shares (import with progress, the coder prompt, panels kept on the window)."""
