"""The image's HEALTHCHECK: does this container's server answer ``/healthz`` with 200?

Standard library only, so a probe costs milliseconds rather than a Django start-up. The request
carries a Host from ALLOWED_HOSTS: Django answers any other host with 400, which would read as sick.

Usage: ``python docker/healthcheck.py [PORT]`` (default: $PORT, else 8000).
"""

import os
import sys
import urllib.request


def probe_host() -> str:
    hosts = [host.strip() for host in os.environ.get("ALLOWED_HOSTS", "").split(",") if host.strip()]
    # ".example.org" allows example.org and its subdomains; "*" allows anything.
    return next((host.lstrip(".") for host in hosts if host != "*"), "localhost")


def main() -> int:
    port = int(sys.argv[1] if len(sys.argv) > 1 else os.environ.get("PORT", "8000"))
    request = urllib.request.Request(f"http://127.0.0.1:{port}/healthz", headers={"Host": probe_host()})
    try:
        with urllib.request.urlopen(request, timeout=4) as response:  # noqa: S310 - fixed http URL on loopback
            status = int(response.status)
    except OSError as exc:
        sys.stderr.write(f"healthz on port {port}: {exc}\n")
        return 1
    return 0 if status == 200 else 1


if __name__ == "__main__":
    sys.exit(main())
