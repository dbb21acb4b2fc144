package dev.pointsman.cli.cluster;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Loopback ports for the processes of a cluster on this machine. */
final class Ports {
    private Ports() {}

    /** A loopback port free at the moment of asking. */
    static int free() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }

    /** {@code port}, when nothing listens on it; else an error naming {@code option}. */
    static int checkFree(int port, String option) {
        try (ServerSocket socket = new ServerSocket(port)) {
            socket.setReuseAddress(true);
            return port;
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    option + ": port " + port + " is taken (" + e.getMessage() + ")");
        }
    }
}
