"""How a lower package asks something only a higher one knows (DESIGN.md's dependency table):
the lower package declares a ``Port`` with the signature it needs, in its ``ports.py``; the
composition root (``create_app``) answers it with the higher package's function. Nothing falls
back silently: a port without an answer is refused at start (``check_ports``) and, should it
still be called, raises ``PortNotAnswered``.

One port, one answer (a query, not a broadcast): the till's hours for the ateliers, a
household's spending for the card page, the tickets of a recalled lot, the dashboard's cards.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Generic, ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


class PortNotAnswered(RuntimeError):
    pass


class Port(Generic[P, R]):
    declared: list[Port] = []

    def __init__(self, name: str, question: str) -> None:
        self.name = name
        self.question = question  # what is asked, for whoever wires it
        self._answer: Callable[P, R] | None = None
        Port.declared.append(self)

    def answer(self, function: Callable[P, R]) -> None:
        self._answer = function

    @contextmanager
    def answered_by(self, function: Callable[P, R]) -> Iterator[None]:
        """Another answer for a while (a test's own figures), then the wired one again."""
        wired, self._answer = self._answer, function
        try:
            yield
        finally:
            self._answer = wired

    @property
    def answered(self) -> bool:
        return self._answer is not None

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        if self._answer is None:
            raise PortNotAnswered(
                f"port {self.name!r} has no answer ({self.question}); create_app wires every port"
            )
        return self._answer(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<Port {self.name}>"


def check_ports() -> None:
    """At start: every declared port has its answer, or the application does not start."""
    missing = [port.name for port in Port.declared if not port.answered]
    if missing:
        raise PortNotAnswered(f"ports without an answer: {', '.join(missing)}")


# The home page's cards (figures of the day for each role), from the reports.
DASHBOARD_CARDS: Port = Port("dashboard_cards", "the home page's cards for a user, now")
