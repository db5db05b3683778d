"""A lease holder as a real process, for the kill -9 tests: ``python -m tests.lease_rig TARGET
NAME TTL`` waits as a standby until it holds NAME, prints ``HELD <holder> <epoch>`` and keeps
renewing until killed (or until the lease is lost: then ``LOST`` and exit 3)."""

from __future__ import annotations

import sys


def main(target: str, name: str, ttl: float) -> int:
    from backends.store import open_store
    from hotline_tui.lease import Lease

    store = open_store(target, migrate=True)
    lease = Lease(store.leases, name, ttl_s=ttl, retry_s=0.1,
                  log=lambda line: print(line, file=sys.stderr, flush=True))
    lease.acquire()
    print(f"HELD {lease.holder} {lease.epoch}", flush=True)
    while not lease.lost.wait(3600):
        pass
    print("LOST", flush=True)
    return 3


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], float(sys.argv[3])))
