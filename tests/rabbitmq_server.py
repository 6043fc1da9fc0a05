"""A throwaway RabbitMQ for tests: free ports on 127.0.0.1 (AMQP, Erlang distribution and its own epmd), its own
directory for the database, logs, config and Erlang cookie, no systemd and nothing shared with a RabbitMQ the
machine may run. Startup takes ~10–20 s (the Erlang VM and RabbitMQ's boot steps)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

from tests.redis_server import free_port

SERVER = "/usr/lib/rabbitmq/bin/rabbitmq-server"
"""The server script itself (/usr/sbin/rabbitmq-server switches to the rabbitmq user and its fixed directories)."""
EPMD = shutil.which("epmd") or "/usr/bin/epmd"


class RabbitMQServer:
    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.port, self.dist_port, self.epmd_port = free_port(), free_port(), free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        self.epmd: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"amqp://guest:guest@127.0.0.1:{self.port}//"

    def env(self) -> dict[str, str]:
        d = self.directory
        return {
            **os.environ,
            "HOME": str(d),  # the Erlang cookie is made here
            "ERL_EPMD_PORT": str(self.epmd_port),
            "RABBITMQ_NODENAME": f"docgen-test-{self.port}@localhost",
            "RABBITMQ_NODE_IP_ADDRESS": "127.0.0.1",
            "RABBITMQ_NODE_PORT": str(self.port),
            "RABBITMQ_DIST_PORT": str(self.dist_port),
            "RABBITMQ_MNESIA_BASE": str(d / "mnesia"),
            "RABBITMQ_LOG_BASE": str(d / "log"),
            "RABBITMQ_LOGS": "-",
            "RABBITMQ_CONFIG_FILE": str(d / "rabbitmq.conf"),
            "RABBITMQ_ADVANCED_CONFIG_FILE": str(d / "advanced.config"),
            "RABBITMQ_CONF_ENV_FILE": str(d / "rabbitmq-env.conf"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(d / "enabled_plugins"),
            "RABBITMQ_PID_FILE": str(d / "rabbitmq.pid"),
        }

    def start(self, timeout: float = 90) -> None:
        d = self.directory
        (d / "rabbitmq.conf").write_text("loopback_users.guest = true\n")
        (d / "advanced.config").write_text("[].\n")
        (d / "rabbitmq-env.conf").write_text("")
        (d / "enabled_plugins").write_text("[].\n")
        log = (d / "rabbitmq.log").open("ab")
        # Our own epmd (in the foreground, so that it is ours to stop): the server would otherwise start a daemon
        # that outlives the test.
        self.epmd = subprocess.Popen([EPMD, "-port", str(self.epmd_port), "-address", "127.0.0.1"], stdout=log,
                                     stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
        self.proc = subprocess.Popen([SERVER], env=self.env(), stdout=log, stderr=subprocess.STDOUT,
                                     start_new_session=True)  # fmt: skip
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"rabbitmq-server exited: {(d / 'rabbitmq.log').read_text()[-3000:]}")
            if self.ready():
                return
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"rabbitmq-server did not start in time: {(d / 'rabbitmq.log').read_text()[-3000:]}")

    def ready(self) -> bool:
        """The AMQP listener answers the protocol header (it opens only after the boot steps)."""
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                s.sendall(b"AMQP\x00\x00\x09\x01")
                return s.recv(8).startswith(b"\x01")  # connection.start frame
        except OSError:
            return False

    def stop(self) -> None:
        """SIGTERM to the server's process group (the Erlang VM and its helpers), then our epmd."""
        for proc in (self.proc, self.epmd):
            if proc is not None and proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(30)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait(5)
        self.proc = self.epmd = None
