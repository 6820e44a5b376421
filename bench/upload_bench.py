"""Upload throughput and memory of the YouTube adapter against its loopback emulator.

    .venv/bin/python bench/upload_bench.py [--size-mb 50] [--rounds 3]

Runs the emulator in its own process (`python -m distribution.emulators youtube`), then uploads
the same file with the adapter (production chunk size) and with a plain
`curl --data-binary @file -X PUT` to a session of the same emulator, best of `--rounds` each.
Reports MB/s for both, their ratio (target >= 0.8) and the adapter's peak RSS growth while
uploading, which must stay far below the file size (the file is streamed, never held).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from distribution.platforms import Credentials, PublishRequest, UploadSession, get_adapter  # noqa: E402

MB = 1_000_000


def rss_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def reset_peak_rss() -> None:
    """Linux: writing 5 to clear_refs resets VmHWM, so the next peak is the upload's own."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def make_file(path: Path, size: int) -> None:
    with open(path, "wb") as file:
        remaining = size
        while remaining:
            block = os.urandom(min(remaining, 1024 * 1024))
            file.write(block)
            remaining -= len(block)


def start_emulator() -> tuple[subprocess.Popen, dict]:
    process = subprocess.Popen(
        [sys.executable, "-m", "distribution.emulators", "youtube", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    info = json.loads(process.stdout.readline())
    return process, info


def adapter_upload(adapter, request: PublishRequest, creds: Credentials) -> float:
    started = time.perf_counter()
    result = adapter.publish(request, creds, UploadSession())
    elapsed = time.perf_counter() - started
    assert result.remote_id, "the emulator made no video"
    return elapsed


def raw_socket_put(url: str, path: Path, size: int, token: str) -> None:
    """Fallback sender when curl is missing: one PUT, the file streamed with sendfile."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port)) as sock, open(path, "rb") as file:
        head = (
            f"PUT {parts.path}?{parts.query} HTTP/1.1\r\nHost: {parts.netloc}\r\nAuthorization: Bearer {token}\r\n"
            f"Content-Type: video/mp4\r\nContent-Range: bytes 0-{size - 1}/{size}\r\nContent-Length: {size}\r\n"
            "Connection: close\r\n\r\n"
        )
        sock.sendall(head.encode())
        sock.sendfile(file)
        answer = sock.recv(65536).decode(errors="replace")
    if not answer.startswith("HTTP/1.1 200"):
        raise RuntimeError(f"raw PUT failed: {answer[:200]}")


def baseline_upload(adapter, request: PublishRequest, creds: Credentials, path: Path, curl: str | None) -> float:
    session = UploadSession()
    adapter.start(request, creds, session, lambda _session: None)
    size = request.file_size
    started = time.perf_counter()
    if curl:
        completed = subprocess.run(
            [
                curl,
                "-s",
                "-o",
                "/dev/null",
                "-w",
                "%{http_code}",
                "-X",
                "PUT",
                "--data-binary",
                f"@{path}",
                "-H",
                f"Authorization: Bearer {creds.access_token}",
                "-H",
                "Content-Type: video/mp4",
                "-H",
                f"Content-Range: bytes 0-{size - 1}/{size}",
                session.session_url,
            ],  # fmt: skip
            capture_output=True,
            text=True,
            check=True,
        )
        if completed.stdout.strip() != "200":
            raise RuntimeError(f"curl PUT answered {completed.stdout}")
    else:
        raw_socket_put(session.session_url, path, size, creds.access_token)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size-mb", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    size = args.size_mb * MB
    curl = shutil.which("curl")

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.mp4"
        make_file(path, size)
        process, info = start_emulator()
        try:
            adapter = get_adapter("youtube", settings=info["settings"])
            creds = Credentials(info["access_token"], info["refresh_token"])
            request = PublishRequest(str(path), size, title="bench", privacy="private")
            adapter_upload(adapter, request, creds)  # warm up: connections, imports, page cache
            baseline_times, adapter_times = [], []
            rss_before = rss_kib("VmRSS")
            reset_peak_rss()
            for _ in range(args.rounds):
                adapter_times.append(adapter_upload(adapter, request, creds))
                baseline_times.append(baseline_upload(adapter, request, creds, path, curl))
            peak_rss = rss_kib("VmHWM")
        finally:
            process.terminate()
            process.wait(timeout=10)

    adapter_speed = size / MB / min(adapter_times)
    baseline_speed = size / MB / min(baseline_times)
    baseline_name = "curl --data-binary PUT" if curl else "raw socket PUT (curl not found)"
    child_peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"file: {args.size_mb} MB, best of {args.rounds} rounds, YouTube emulator on loopback (own process)")
    print(f"adapter (chunks of {adapter.chunk_size // 2**20} MiB): {adapter_speed:8.1f} MB/s")
    print(f"{baseline_name}: {baseline_speed:8.1f} MB/s")
    ratio = adapter_speed / baseline_speed
    print(f"ratio adapter / baseline: {ratio:.2f} (target >= 0.80: {'ok' if ratio >= 0.8 else 'MISSED'})")
    growth_mib = (peak_rss - rss_before) / 1024
    verdict = "streamed" if growth_mib < size / 2**20 / 4 else "HELD IN MEMORY"
    print(
        f"adapter process RSS: {rss_before / 1024:.1f} MiB before, peak {peak_rss / 1024:.1f} MiB while uploading "
        f"(+{growth_mib:.1f} MiB for a {size / 2**20:.1f} MiB file: {verdict})"
    )
    if curl:
        print(f"for comparison, curl --data-binary peak RSS: {child_peak_mib:.1f} MiB (it reads the whole file)")


if __name__ == "__main__":
    main()
