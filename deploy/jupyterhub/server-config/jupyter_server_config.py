# Settings for each student's Jupyter server; the hub points JUPYTER_CONFIG_PATH at this folder.
#
# A slider move is a handful of small websocket messages each way (the widget update, "busy",
# the readout, the figure's "draw" announcement, "idle", then the draw request and the image).
# jupyter_server leaves Nagle's algorithm on for the kernel websocket, so each small message
# that follows an unacknowledged one waits for the browser's delayed ACK: 40 ms on Linux, twice
# per move. Measured by benchmarks/bench_class.py on this machine: an empty cell's round trip
# 48 ms with Nagle, 7 ms without; a chapter's slider move ~100 ms -> see deploy/README.md.
# Browsers already send with TCP_NODELAY; this sets it on the server's side of the socket.
from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection

c = get_config()  # noqa: F821 - provided by the Jupyter server when it loads this file


class NoDelayKernelConnection(ZMQChannelsWebsocketConnection):
    """The default kernel websocket connection, with Nagle's algorithm switched off."""

    def connect(self):
        self.websocket_handler.set_nodelay(True)
        return super().connect()


c.ServerApp.kernel_websocket_connection_class = NoDelayKernelConnection
