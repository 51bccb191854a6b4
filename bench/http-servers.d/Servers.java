import com.sun.net.httpserver.HttpServer;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * The candidates for the local API Gateway's server, each as small as it gets: read the whole
 * request body, answer 200 with a small JSON body. Prints "listening PORT ms-since-JVM-start".
 *   java -cp CP Servers.java jdk|jetty|netty PORT
 */
public class Servers {

    static final byte[] BODY = "{\"service\":\"orders\",\"stage\":\"dev\",\"ok\":true}".getBytes(StandardCharsets.UTF_8);

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[1]);
        switch (args[0]) {
            case "jdk" -> {
                HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 1024);
                server.createContext("/", exchange -> {
                    try (exchange) {
                        exchange.getRequestBody().readAllBytes();
                        exchange.getResponseHeaders().set("content-type", "application/json");
                        exchange.sendResponseHeaders(200, BODY.length);
                        try (OutputStream out = exchange.getResponseBody()) {
                            out.write(BODY);
                        }
                    }
                });
                server.setExecutor(Executors.newFixedThreadPool(64));
                server.start();
            }
            case "jetty" -> {
                Server server = new Server();
                ServerConnector connector = new ServerConnector(server);
                connector.setHost("127.0.0.1");
                connector.setPort(port);
                server.addConnector(connector);
                server.setHandler(new Handler.Abstract() {
                    @Override
                    public boolean handle(Request request, Response response, Callback callback) {
                        Content.Source.asByteBufferAsync(request).whenComplete((body, failure) -> {
                            response.getHeaders().put("content-type", "application/json");
                            response.write(true, ByteBuffer.wrap(BODY), callback);
                        });
                        return true;
                    }
                });
                server.start();
            }
            case "netty" -> {
                new ServerBootstrap().group(new NioEventLoopGroup(1), new NioEventLoopGroup())
                        .channel(NioServerSocketChannel.class)
                        .childHandler(new ChannelInitializer<SocketChannel>() {
                            @Override
                            protected void initChannel(SocketChannel channel) {
                                channel.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(10 * 1024 * 1024),
                                        new SimpleChannelInboundHandler<FullHttpRequest>() {
                                            @Override
                                            protected void channelRead0(ChannelHandlerContext context, FullHttpRequest request) {
                                                var response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                                                        Unpooled.wrappedBuffer(BODY));
                                                response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
                                                HttpUtil.setContentLength(response, BODY.length);
                                                HttpUtil.setKeepAlive(response, HttpUtil.isKeepAlive(request));
                                                context.writeAndFlush(response);
                                            }
                                        });
                            }
                        }).bind("127.0.0.1", port).sync();
            }
            default -> throw new IllegalArgumentException("jdk, jetty or netty");
        }
        long sinceStart = System.currentTimeMillis()
                - java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
        System.out.println("listening " + port + " " + sinceStart);
        Thread.currentThread().join();
    }
}
