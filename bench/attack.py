#!/usr/bin/env python3
"""Misbehaving clients for scripts/bench.sh's front-end runs.

    attack.py PORT idle N                    hold N connections that send nothing
    attack.py PORT keepalive N               N connections that send one request, then idle
    attack.py PORT drip N INTERVAL_MS        N clients sending one header line every INTERVAL_MS
    attack.py PORT flood N USER              N clients posting webhooks with a wrong password

Runs until SIGTERM or SIGINT and then prints one line, e.g.
"ATTACK mode=drip clients=200 sent_lines=4000 reconnects=200". Connections
the server closes (read timeout, idle timeout) are opened again, so the
pressure stays for the whole run. Everything is on 127.0.0.1.
"""
import base64
import resource
import selectors
import signal
import socket
import sys
import time

running = True


def stop(*_):
    global running
    running = False


def connect(port):
    s = socket.create_connection(("127.0.0.1", port))
    s.setblocking(False)
    return s


def main():
    port, mode, n = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    sel = selectors.DefaultSelector()
    socks = []
    stats = {"sent_lines": 0, "reconnects": 0, "answers": 0}
    request = b"GET /-/healthy HTTP/1.1\r\nHost: bench\r\n\r\n"
    body = b'{"version":"4","status":"firing","receiver":"r","groupKey":"{}","alerts":[]}'
    if mode == "flood":
        auth = base64.b64encode((sys.argv[4] + ":wrong-password").encode()).decode()
        request = (f"POST /api/v1/webhook HTTP/1.1\r\nHost: bench\r\nAuthorization: Basic {auth}\r\n"
                   f"Content-Length: {len(body)}\r\n\r\n").encode() + body

    def opened():
        s = connect(port)
        if mode in ("keepalive", "flood"):
            s.setblocking(True)
            s.sendall(request)
            s.setblocking(False)
        elif mode == "drip":
            s.send(b"POST /api/v1/webhook HTTP/1.1\r\nHost: bench\r\n")
        sel.register(s, selectors.EVENT_READ)
        return s

    for _ in range(n):
        socks.append(opened())
    interval = int(sys.argv[4]) / 1000.0 if mode == "drip" else 1.0
    next_tick = time.monotonic() + interval
    while running:
        for key, _ in sel.select(timeout=max(0.0, min(0.2, next_tick - time.monotonic()))):
            s = key.fileobj
            try:
                data = s.recv(65536)
            except (BlockingIOError, InterruptedError):
                continue
            except OSError:
                data = b""
            if data and mode == "flood":
                stats["answers"] += data.count(b"HTTP/1.1 ")
                try:
                    s.send(request)  # the next wrong password on the same connection
                    continue
                except OSError:
                    data = b""
            if not data:  # closed by the server: come back
                sel.unregister(s)
                s.close()
                socks[socks.index(s)] = opened()
                stats["reconnects"] += 1
        if mode == "drip" and time.monotonic() >= next_tick:
            next_tick += interval
            for s in socks:
                try:
                    s.send(b"X-Drip: 1\r\n")
                    stats["sent_lines"] += 1
                except OSError:
                    pass
    print(f"ATTACK mode={mode} clients={n} " + " ".join(f"{k}={v}" for k, v in stats.items()),
          flush=True)


if __name__ == "__main__":
    main()
