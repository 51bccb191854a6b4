package dev.tollgate.local;

import java.io.IOException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The Jetty server of the runner's fronts (its API Gateway, its Functions host): on 127.0.0.1 only, no
 * server banner, every URI the parser can read passed on as written, and up to {@value #THREADS}
 * requests handled at once, as warm function instances would.
 */
final class LoopbackServer {

    /** The most requests the function handles at once, as warm instances would. */
    static final int THREADS = 64;
    private static final int BACKLOG = 1024;
    /**
     * Everything the parser can read is passed on as written, as API Gateway passes its raw path: the
     * function, not the emulator, decides what an encoded slash or a dot segment means.
     */
    private static final UriCompliance RAW_URIS = UriCompliance.from(EnumSet.complementOf(
            EnumSet.of(UriCompliance.Violation.BAD_UTF8_ENCODING, UriCompliance.Violation.USER_INFO)));
    private static final Logger LOG = Logger.getLogger(LoopbackServer.class.getName());

    private LoopbackServer() {
    }

    /**
     * A server, not yet started, whose connector is bound to 127.0.0.1:{@code port} (0: any free port).
     *
     * @param name        its threads' name
     * @param headerBytes what the HTTP parser holds of a request's head before it refuses with 431
     * @param idleTimeout how long a caller may send nothing before it is dropped
     */
    static ServerConnector bind(String name, int port, int headerBytes, Duration idleTimeout) throws IOException {
        QueuedThreadPool threads = new QueuedThreadPool(THREADS + 8, 4);
        threads.setName(name);
        threads.setDaemon(true);
        Server server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setRequestHeaderSize(headerBytes);
        http.setUriCompliance(RAW_URIS);
        ServerConnector connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        connector.setAcceptQueueSize(BACKLOG);
        connector.setIdleTimeout(idleTimeout.toMillis());
        server.addConnector(connector);
        try {
            connector.open();
        } catch (IOException e) {
            throw new IOException("cannot listen on 127.0.0.1:" + port + " (" + e.getMessage()
                    + "); choose another port with --port", e);
        }
        return connector;
    }

    /** Starts the server once {@code prepare} has made what it serves; stops it and throws when either fails. */
    static void start(Server server, String what, Runnable prepare) throws IOException {
        try {
            prepare.run();
            server.start();
        } catch (Exception e) {
            stop(server, what);
            if (e instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IOException("the local " + what + " could not start: " + e.getMessage(), e);
        }
    }

    static void stop(Server server, String what) {
        try {
            server.stop();
        } catch (Exception e) {
            LOG.log(Level.WARNING, "stopping the local " + what + " failed", e);
        }
    }
}
