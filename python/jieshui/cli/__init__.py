"""The command line: the typer app (app), the terminal report (report), the add-in installer."""

from __future__ import annotations

from .app import app, main

__all__ = ["app", "main"]
