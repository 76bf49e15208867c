"""One module per settings tab. Each tab fills itself from Settings and writes its keys back into
the plain dict the dialog validates, so the declaration in settings.py stays the only rulebook."""
