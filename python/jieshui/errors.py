"""The one family of errors a user is told about.

A `UserError` is something the person at the keyboard can put right: its text (str(error)) is
the whole message, one or two sentences in the Chinese of a county office or a provincial
reviewer, naming the file, sheet, cell or option and saying what to do. The command line prints
it after “错误：” and exits 2 in one place (cli.app.main); a button shows it in an alert. Any
other exception reaching the edge is a bug: it goes to a crash log, never to the screen.

Stdlib only and imported by every layer, the engine included."""

from __future__ import annotations


class UserError(Exception):
    """Something the user can put right; the message says what, in Chinese."""
