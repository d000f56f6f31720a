"""A small TCP proxy on 127.0.0.1 that a test can cut and restore: a database outage on demand.

``cut()`` drops every open connection and refuses new ones (each is accepted and closed at once,
as a dead server or a broken network looks to the driver); ``black_hole()`` accepts new ones and
never answers (a server powered off, a network that drops packets); ``restore()`` lets them
through again.
``cut_after_commit()`` forwards the next ``COMMIT`` to the server, waits for the server's answer
and then drops the connection instead of passing the answer on: the write is stored but the
client never hears so (the reply lost on the way back), which a retry of the same submission
must cope with.

Pure threads and sockets; one proxy per test (``with TcpProxy(host, port) as proxy``).
"""

from __future__ import annotations

import socket
import threading

# Bytes read at once in each direction.
CHUNK = 65536


class _Pair:
    """One client connection and its connection to the server."""

    def __init__(self, client: socket.socket, upstream: socket.socket) -> None:
        self.client, self.upstream = client, upstream
        # Set when the client's COMMIT went through: the server's reply is swallowed.
        self.swallow = False

    def close(self) -> None:
        for sock in (self.client, self.upstream):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()


class TcpProxy:
    """Forward 127.0.0.1:``port`` (chosen free) to ``target_host``:``target_port``."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._pairs: set[_Pair] = set()
        self._lock = threading.Lock()
        self._cut = False
        self._black_hole = False
        self._held: list[socket.socket] = []
        self._trap_commit = False
        self._closed = False
        # Set once a trapped COMMIT was answered by the server (and the answer dropped).
        self.commit_swallowed = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    # -- control -------------------------------------------------------------------------------

    def cut(self) -> None:
        """Drop every open connection and refuse new ones until ``restore``."""
        with self._lock:
            self._cut = True
            pairs, self._pairs = self._pairs, set()
        for pair in pairs:
            pair.close()

    def black_hole(self) -> None:
        """New connections are accepted and then hear nothing, ever (until ``restore``)."""
        with self._lock:
            self._black_hole = True

    def restore(self) -> None:
        with self._lock:
            self._cut = self._black_hole = False
            held, self._held = self._held, []
        for sock in held:
            sock.close()

    def cut_after_commit(self) -> None:
        """The next COMMIT reaches the server; its answer does not reach the client, and the
        proxy is cut from then on."""
        self.commit_swallowed.clear()
        with self._lock:
            self._trap_commit = True

    def close(self) -> None:
        self._closed = True
        self.cut()
        self.restore()
        self._listener.close()

    def __enter__(self) -> TcpProxy:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    # -- forwarding ----------------------------------------------------------------------------

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            with self._lock:
                refused, held = self._cut, self._black_hole
                if held:
                    self._held.append(client)
            if held:
                continue
            if refused:
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                client.close()
                continue
            pair = _Pair(client, upstream)
            with self._lock:
                self._pairs.add(pair)
            threading.Thread(target=self._to_server, args=(pair,), daemon=True).start()
            threading.Thread(target=self._to_client, args=(pair,), daemon=True).start()

    def _to_server(self, pair: _Pair) -> None:
        try:
            while data := pair.client.recv(CHUNK):
                with self._lock:
                    trapped = self._trap_commit and b"COMMIT" in data
                    if trapped:
                        self._trap_commit = False
                        pair.swallow = True
                pair.upstream.sendall(data)
        except OSError:
            pass
        self._drop(pair)

    def _to_client(self, pair: _Pair) -> None:
        try:
            while data := pair.upstream.recv(CHUNK):
                if pair.swallow:
                    # The server answered the COMMIT (so it is stored); the client never hears.
                    self.commit_swallowed.set()
                    self.cut()
                    return
                pair.client.sendall(data)
        except OSError:
            pass
        self._drop(pair)

    def _drop(self, pair: _Pair) -> None:
        with self._lock:
            self._pairs.discard(pair)
        pair.close()
