package dev.tollgate.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/**
 * A port on 127.0.0.1 that takes no more connections: nobody accepts, and once the kernel's queue
 * for the socket is full, connection attempts go unanswered until the client's connect timeout.
 */
public final class UnacceptingBackend implements AutoCloseable {

    private final ServerSocket full;
    private final List<Socket> queued = new ArrayList<>();

    public UnacceptingBackend() {
        try {
            full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            while (queued.size() < 16) {
                Socket socket = new Socket();
                try {
                    socket.connect(full.getLocalSocketAddress(), 200);
                } catch (SocketTimeoutException queueFull) {
                    socket.close();
                    break;
                }
                queued.add(socket);
            }
        } catch (IOException e) {
            close();
            throw new UncheckedIOException(e);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + full.getLocalPort();
    }

    @Override
    public void close() {
        try {
            for (Socket socket : queued) {
                socket.close();
            }
            if (full != null) {
                full.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
