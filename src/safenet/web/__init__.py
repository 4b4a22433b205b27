"""The consoles: the police live map and alert console, and the center operator console."""
