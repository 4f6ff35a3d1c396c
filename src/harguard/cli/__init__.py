"""The command line (typer + rich): one module per command, composed in app.py."""
