"""A small HTTP/1.1 client on asyncio for the cluster's checks and bench: keep-alive connections, Content-Length
and chunked bodies, a deadline per request, and no retries of its own, so every failure is counted as the client
saw it. (Python's standard library has no asyncio HTTP client; this one needs nothing installed.)"""

import asyncio
import json
import time


class HttpError(Exception):
    """The request got no HTTP answer: the connection failed, was closed or reset, or the deadline passed."""


class Response:
    def __init__(self, status, headers, body, started, ended):
        self.status = status
        self.headers = headers
        self.body = body
        self.started = started
        self.ended = ended

    def json(self):
        return json.loads(self.body)


class Connection:
    """One keep-alive connection, opened on first use and again after the server closes it. HEADERS go with every
    request (an Authorization header, say)."""

    def __init__(self, host, port, headers=None):
        self.host = host
        self.port = port
        self.headers = dict(headers or {})
        self._reader = None
        self._writer = None

    async def connect(self, timeout=10.0):
        """Opens the connection now rather than with the first request."""
        self._reader, self._writer = await asyncio.wait_for(asyncio.open_connection(self.host, self.port), timeout)

    async def request(self, method, path, body=None, timeout=10.0):
        started = time.monotonic()
        try:
            return await asyncio.wait_for(self._exchange(method, path, body, started), timeout)
        except asyncio.TimeoutError:
            self.close()
            raise HttpError(f"no answer within {timeout:g} s") from None
        except (OSError, asyncio.IncompleteReadError, ValueError) as error:
            self.close()
            raise HttpError(f"{type(error).__name__}: {error}") from None

    async def _exchange(self, method, path, body, started):
        if self._reader is not None and self._reader.at_eof():
            self.close()  # the server closed it while it was idle: never send into a closed connection
        if self._writer is None:
            self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
        payload = b"" if body is None else json.dumps(body).encode()
        head = f"{method} {path} HTTP/1.1\r\nHost: localhost:{self.port}\r\n"
        head += "".join(f"{name}: {value}\r\n" for name, value in self.headers.items())
        if body is not None:
            head += f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n"
        self._writer.write(head.encode() + b"\r\n" + payload)
        await self._writer.drain()

        status_line = await self._reader.readuntil(b"\r\n")
        if not status_line:
            raise asyncio.IncompleteReadError(b"", None)
        status = int(status_line.split()[1])
        headers = {}
        while True:
            line = await self._reader.readuntil(b"\r\n")
            if line == b"\r\n":
                break
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()

        if status in (204, 304) or method == "HEAD":
            content = b""
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int((await self._reader.readuntil(b"\r\n")).split(b";")[0], 16)
                if size == 0:
                    while await self._reader.readuntil(b"\r\n") != b"\r\n":
                        pass
                    break
                chunks.append(await self._reader.readexactly(size))
                await self._reader.readexactly(2)
            content = b"".join(chunks)
        elif "content-length" in headers:
            content = await self._reader.readexactly(int(headers["content-length"]))
        else:
            content = await self._reader.read()
            headers["connection"] = "close"

        if headers.get("connection", "").lower() == "close":
            self.close()
        return Response(status, headers, content, started, time.monotonic())

    def close(self):
        if self._writer is not None:
            self._writer.close()
        self._reader = self._writer = None


async def once(host, port, method, path, body=None, timeout=10.0, headers=None):
    """One request on a connection of its own."""
    connection = Connection(host, port, headers)
    try:
        return await connection.request(method, path, body, timeout)
    finally:
        connection.close()
