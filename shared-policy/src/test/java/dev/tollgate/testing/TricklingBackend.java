package dev.tollgate.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Answers a request's headers at once, then its body a byte every 100 ms, for 10 s unless closed first. */
public final class TricklingBackend implements AutoCloseable {
    private final ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();

    public TricklingBackend() throws IOException {
        Thread thread = new Thread(this::trickle, "trickling-backend");
        thread.setDaemon(true);
        thread.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    private void trickle() {
        try (Socket socket = server.accept()) {
            accepted.add(socket);
            InputStream in = socket.getInputStream();
            for (int lastFour = 0; lastFour != 0x0d0a0d0a; ) { // to the blank line after the request's head
                int read = in.read();
                if (read == -1) {
                    return;
                }
                lastFour = lastFour << 8 | read;
            }
            OutputStream out = socket.getOutputStream();
            out.write("HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            for (int i = 0; i < 100; i++) {
                Thread.sleep(100);
                out.write('x');
                out.flush();
            }
        } catch (IOException | InterruptedException closed) {
            // closed by the test, or by the gateway giving up
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : accepted) {
            socket.close();
        }
    }
}
