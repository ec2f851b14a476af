package io.cowscope.session;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A JDK WebSocket client that queues whole text messages; for the protocol tests and the benchmark. */
public final class WsClient implements WebSocket.Listener, AutoCloseable {
    public static final JsonMapper JSON = JsonMapper.builder().build();

    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();
    private final Duration timeout;
    private WebSocket socket;

    private WsClient(Duration timeout) {
        this.timeout = timeout;
    }

    public static WsClient connect(HttpClient http, String uri, Duration timeout) throws Exception {
        WsClient c = new WsClient(timeout);
        c.socket = http.newWebSocketBuilder().connectTimeout(timeout).buildAsync(URI.create(uri), c)
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return c;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            received.add(partial.toString());
            partial.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    public void send(String text) throws Exception {
        socket.sendText(text, true).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** sends and returns the next message */
    public JsonNode ask(String text) throws Exception {
        send(text);
        return next();
    }

    /** the next message; fails after the timeout */
    public JsonNode next() throws InterruptedException {
        String text = received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (text == null) {
            throw new AssertionError("no message within " + timeout);
        }
        return JSON.readTree(text);
    }

    /** the next message, or null when none comes within {@code ms} */
    public JsonNode poll(long ms) throws InterruptedException {
        String text = received.poll(ms, TimeUnit.MILLISECONDS);
        return text == null ? null : JSON.readTree(text);
    }

    public boolean isOpen() {
        return !socket.isInputClosed();
    }

    /** drops the connection without a close handshake (a lost network) */
    public void abort() {
        socket.abort();
    }

    @Override
    public void close() {
        try {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            socket.abort();
        }
    }
}
