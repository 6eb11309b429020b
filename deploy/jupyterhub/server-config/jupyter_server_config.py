# Settings for each student's Jupyter server; the hub points JUPYTER_CONFIG_PATH at this folder.
#
# A slider move is a handful of small websocket messages each way (the widget update, "busy",
# the readout, the figure's "draw" announcement, "idle", then the draw request and the image).
# jupyter_server leaves Nagle's algorithm on for the kernel websocket, so a small message that
# follows an unacknowledged one can wait for the client's delayed ACK (40 ms on Linux).
# Measured with the load test's Python websocket client (benchmarks/bench_class.py): an empty
# cell's round trip 48 ms with Nagle, 7 ms without; a slider move's wait for the kernel to go
# idle 48 -> 9 ms. In JupyterLab in Chromium the key-press-to-readout time was ~28 ms with and
# without this setting (one chapter, busy machine), so browsers may avoid the stall; for every
# client that does not, this removes it, and it costs nothing.
from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection

c = get_config()  # noqa: F821 - provided by the Jupyter server when it loads this file


class NoDelayKernelConnection(ZMQChannelsWebsocketConnection):
    """The default kernel websocket connection, with Nagle's algorithm switched off."""

    def connect(self):
        self.websocket_handler.set_nodelay(True)
        return super().connect()


c.ServerApp.kernel_websocket_connection_class = NoDelayKernelConnection
