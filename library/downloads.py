"""Fetch a remote file for URL imports, safely.

- http and https only; at most MEDIA_IMPORT_MAX_REDIRECTS redirects, each checked again;
- the host is resolved and every address it resolves to must be public (no private,
  loopback, link-local, reserved or multicast) unless MEDIA_IMPORT_ALLOW_PRIVATE is on;
- the connection goes to the address that was checked (no second DNS lookup to rebind);
- a size cap (Content-Length and the bytes actually read) and a timeout.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from django.conf import settings

from common.errors import ApplicationError

CHUNK_SIZE = 256 * 1024
USER_AGENT = "ReelMill media import"
_REDIRECTS = {301, 302, 303, 307, 308}


class DownloadError(ApplicationError):
    default_code = "download_failed"


@dataclass
class Download:
    """Chunks of the body; `final_url`/`filename` describe where they came from."""

    final_url: str
    content_type: str
    filename: str
    chunks: Iterator[bytes] = field(repr=False)


def check_url(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, checked ip) for a URL we may fetch; DownloadError otherwise."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise DownloadError(
            f"Only http and https URLs can be imported (got {parts.scheme or 'no scheme'}).",
            code="url_scheme_not_allowed",
            fields={"url": ["Use an http:// or https:// URL."]},
        )
    host = parts.hostname
    if not host:
        raise DownloadError("The URL has no host.", code="invalid_url", fields={"url": ["The URL has no host."]})
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise DownloadError("The URL's port is not valid.", code="invalid_url", fields={"url": ["Bad port."]}) from None
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise DownloadError(f"The host {host!r} could not be found.", code="host_not_found") from None
    addresses = [info[4][0] for info in infos]
    if not settings.MEDIA_IMPORT_ALLOW_PRIVATE:
        for address in addresses:
            if not _is_public(address):
                raise DownloadError(
                    f"Refusing to import from {host}: it resolves to a private or local address ({address}).",
                    code="url_not_allowed",
                    fields={"url": ["Only public internet addresses can be imported from."]},
                )
    return parts.scheme, host, port, addresses[0]


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_reserved
        or ip.is_multicast
        or ip.is_unspecified
        or not ip.is_global
    )


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, ip: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._ip = ip

    def connect(self) -> None:
        self.sock = socket.create_connection((self._ip, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, ip: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._ip = ip

    def connect(self) -> None:
        sock = socket.create_connection((self._ip, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def open_url(url: str, *, max_bytes: int) -> Download:
    """Follow redirects to the file and return its body as chunks (read them promptly)."""
    timeout = settings.MEDIA_IMPORT_TIMEOUT_SECONDS
    deadline = time.monotonic() + timeout
    for _hop in range(settings.MEDIA_IMPORT_MAX_REDIRECTS + 1):
        scheme, host, port, ip = check_url(url)
        connection_class = _PinnedHTTPSConnection if scheme == "https" else _PinnedHTTPConnection
        connection = connection_class(host, port, ip, timeout)
        parts = urlsplit(url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        try:
            connection.request("GET", target, headers={"User-Agent": USER_AGENT, "Accept": "*/*"})
            response = connection.getresponse()
        except (OSError, http.client.HTTPException) as exc:
            connection.close()
            raise DownloadError(f"Could not download {url}: {exc.__class__.__name__}: {exc}") from None
        if response.status in _REDIRECTS:
            location = response.getheader("Location")
            connection.close()
            if not location:
                raise DownloadError(f"{url} redirected without saying where to.")
            url = urljoin(url, location)
            continue
        if response.status != 200:
            connection.close()
            raise DownloadError(f"The server answered {response.status} {response.reason} for {url}.")
        length = response.getheader("Content-Length")
        if length and length.isdigit() and int(length) > max_bytes:
            connection.close()
            raise DownloadError(f"The file is {int(length)} bytes; the limit is {max_bytes} bytes.", code="too_large")
        return Download(
            final_url=url,
            content_type=response.getheader("Content-Type", ""),
            filename=urlsplit(url).path.rsplit("/", 1)[-1],
            chunks=_read(connection, response, url, deadline),
        )
    raise DownloadError(
        f"Too many redirects: more than {settings.MEDIA_IMPORT_MAX_REDIRECTS} were followed.",
        code="too_many_redirects",
    )


def _read(connection, response, url: str, deadline: float) -> Iterator[bytes]:
    try:
        while True:
            if time.monotonic() > deadline:
                raise DownloadError(
                    f"Downloading took longer than {settings.MEDIA_IMPORT_TIMEOUT_SECONDS} s.", code="timeout"
                )
            try:
                chunk = response.read(CHUNK_SIZE)
            except (OSError, http.client.HTTPException) as exc:
                raise DownloadError(f"The download from {url} broke off: {exc.__class__.__name__}.") from None
            if not chunk:
                return
            yield chunk
    finally:
        connection.close()
