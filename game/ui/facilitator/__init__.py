"""The facilitator's side of a live exercise.

* :mod:`.console` — :class:`~.console.FacilitatorConsole`, the second window;
* :mod:`.controls` — its controls (inject, counterpart, meters and flags, jump, clock, notes);
* :mod:`.state` — what it shows, as pure functions of the session (no Qt);
* :mod:`.presentation` — larger type for the trainees' window, screen placement;
* :mod:`.hookup` — the main window's three calls (kept light: the console is
  imported only when a facilitator opens it, so the app starts as fast as before).
"""
