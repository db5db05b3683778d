"""Drive the simulated call centre in (scaled) real time.

The model's clock follows the wall clock ``speed`` times faster. With ``catch_up_from`` the
model starts that many seconds in the past and runs ``catch_up_speed`` times faster until it
reaches the present, so a freshly started demo already has a busy last half hour (and the
console's 30-minute figures have something to show) within a few seconds.
"""

from __future__ import annotations

import asyncio
import time
from typing import Callable

from .model import CallCenter


class SimRunner:
    def __init__(self, cc: CallCenter, *, speed: float = 1.0, tick_s: float = 0.05,
                 wallclock: Callable[[], float] = time.time, catch_up_speed: float = 120.0):
        self.cc, self.speed, self.tick_s, self.wallclock = cc, speed, tick_s, wallclock
        self.catch_up_speed = catch_up_speed
        self.task: asyncio.Task | None = None

    async def run(self) -> None:
        cc = self.cc
        # Catch up first (if the model starts in the past), in slices so the loop stays responsive.
        while self.speed == 1.0 and cc.now < self.wallclock() - self.tick_s:
            cc.run_until(min(self.wallclock(), cc.now + self.catch_up_speed * self.tick_s))
            await asyncio.sleep(0)
        start_sim, start_wall = cc.now, time.monotonic()
        while True:
            await asyncio.sleep(self.tick_s)
            cc.run_until(start_sim + (time.monotonic() - start_wall) * self.speed)

    def start(self) -> asyncio.Task:
        self.task = asyncio.create_task(self.run())
        return self.task

    async def stop(self) -> None:
        if self.task:
            self.task.cancel()
            try:
                await self.task
            except asyncio.CancelledError:
                pass
