"""Run one emulator in the foreground for local trials: `python -m distribution.emulators youtube --port 8765`."""

from __future__ import annotations

import argparse
import json
import threading

from distribution.emulators import EMULATORS


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m distribution.emulators", description=__doc__)
    parser.add_argument("platform", choices=sorted(EMULATORS))
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args(argv)
    emulator = EMULATORS[args.platform](args.host, args.port).start()
    access, refresh = emulator.issue_tokens()
    print(json.dumps({"settings": emulator.settings(), "access_token": access, "refresh_token": refresh}), flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        emulator.stop()


if __name__ == "__main__":
    main()
