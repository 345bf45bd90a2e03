"""The Notify calls on a session bus as dbus-monitor sees them: when each came, what it said,
which notification it replaced and which id the server gave it. Used by the e2e tests (a
notification updated in place) and the tray benchmark (time to a notification)."""

from __future__ import annotations

import re
import subprocess
import threading
import time
from dataclasses import dataclass

CALL = re.compile(r"^method call time=\S+ sender=(\S+) -> destination=\S+ serial=(\d+) .*member=Notify$")
RETURN = re.compile(r"^method return time=\S+ sender=\S+ -> destination=(\S+) serial=\d+ reply_serial=(\d+)$")
STRING = re.compile(r'^\s+string "(.*)$')
UINT = re.compile(r"^\s+uint32 (\d+)$")


@dataclass
class Notify:
    at: float  # time.monotonic() when dbus-monitor printed it
    replaces_id: int
    summary: str
    body: str
    id: int | None = None  # from the server's reply


class NotifyWatch:
    def __init__(self, env: dict[str, str]) -> None:
        self.calls: list[Notify] = []
        self._pending: dict[tuple[str, str], Notify] = {}
        self._lock = threading.Lock()
        self.process = subprocess.Popen(
            [
                "dbus-monitor",
                "--session",
                "type='method_call',interface='org.freedesktop.Notifications',member='Notify'",
                "type='method_return'",
            ],
            env=env,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        threading.Thread(target=self._read, daemon=True).start()
        time.sleep(0.3)  # dbus-monitor has registered its match rules

    def _read(self) -> None:
        assert self.process.stdout is not None
        lines = iter(self.process.stdout)
        for line in lines:
            line = line.rstrip("\n")
            if call := CALL.match(line):
                at = time.monotonic()
                args = self._arguments(lines, 5)  # app name, replaces_id, icon, summary, body
                notify = Notify(at, int(args[1]), args[3], args[4])
                with self._lock:
                    self.calls.append(notify)
                    self._pending[(call.group(1), call.group(2))] = notify
            elif answer := RETURN.match(line):
                with self._lock:
                    notify = self._pending.pop((answer.group(1), answer.group(2)), None)
                if notify is not None:
                    value = UINT.match(next(lines, ""))
                    notify.id = int(value.group(1)) if value else None

    @staticmethod
    def _arguments(lines, count: int) -> list[str]:
        """The first `count` string/uint32 arguments; strings may span lines and end in '"'."""
        values: list[str] = []
        while len(values) < count:
            line = next(lines).rstrip("\n")
            if number := UINT.match(line):
                values.append(number.group(1))
            elif text := STRING.match(line):
                value = text.group(1)
                while not value.endswith('"'):
                    value += "\n" + next(lines).rstrip("\n")
                values.append(value[:-1])
        return values

    def after(self, start: float) -> list[Notify]:
        with self._lock:
            return [call for call in self.calls if call.at >= start]

    def wait(self, start: float, count: int = 1, timeout: float = 20.0) -> list[Notify]:
        """The first `count` Notify calls after `start` (each with its id once answered)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            seen = self.after(start)
            if len(seen) >= count and all(call.id is not None for call in seen[:count]):
                return seen[:count]
            time.sleep(0.005)
        raise AssertionError(f"expected {count} notification(s), saw {self.after(start)}")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(5)
