"""The built-in exporters; each module imports its heavy library only inside `export()`."""
