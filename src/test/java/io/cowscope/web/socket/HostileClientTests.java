package io.cowscope.web.socket;

import static org.assertj.core.api.Assertions.assertThat;

import io.cowscope.session.WsClient;
import io.cowscope.session.web.SessionRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * Issue 14: what a hostile client on one machine could do to the server, each over real sockets
 * against a server on a random port, with limits set low enough to reach: slow readers, memory,
 * caps per address and in all, lone surrogates, the time budget of a load.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
        "spring.datasource.url=jdbc:h2:mem:hostile;DB_CLOSE_DELAY=-1",
        "cowscope.ws.max-send-buffer-bytes=65536",
        "cowscope.ws.max-connections-per-address=8",
        "cowscope.session.max-sessions-per-address=6",
        "cowscope.session.max-sessions=7",
        "cowscope.session.max-pages=4194304",
        "cowscope.session.memory-budget-percent=1",
        "cowscope.session.max-window-ptes=4096",
        "cowscope.session.max-messages-per-second=1000",
        // enough turns that the concurrent loads below really run at once
        "cowscope.session.max-concurrent-work=16"})
class HostileClientTests {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<WsClient> clients = new ArrayList<>();
    private final List<WebSocket> raw = new ArrayList<>();

    @LocalServerPort
    int port;
    @Autowired
    SessionRegistry registry;
    @Autowired
    ClientAddresses addresses;
    @Autowired
    SocketHandler sockets;

    @AfterEach
    void closeAll() throws Exception {
        clients.forEach(WsClient::abort);
        raw.forEach(WebSocket::abort);
        // the server sees the closes asynchronously; the next test starts with no connection counted
        long until = System.nanoTime() + TIMEOUT.toNanos();
        while (addresses.total() > 0 && System.nanoTime() < until) {
            Thread.sleep(20);
        }
        assertThat(addresses.total()).isZero();
    }

    private WsClient connect() throws Exception {
        WsClient c = WsClient.connect(http, "ws://127.0.0.1:" + port + "/ws", TIMEOUT);
        clients.add(c);
        return c;
    }

    private static String loadText(String scenario) {
        return "{\"type\":\"load\",\"v\":1,\"id\":1,\"scenario\":{\"text\":" + WsClient.JSON.writeValueAsString(scenario) + "}}";
    }

    private static String pages(long n, boolean populate) {
        return "process p\np: buf = mmap " + n + (populate ? " populate" : "") + "\np: write buf[0] \"x\"\n";
    }

    // ---------------------------------------------------------------- slow readers

    /**
     * A client that asks for big answers and never reads is closed with 1008, naming the limit; the
     * close does not cut a message in the middle of its write (Tomcat then threw
     * "IllegalStateException: Message will not be sent because the WebSocket session has been closed"
     * from its write callback, a stack trace in the log per slow reader).
     */
    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void aClientThatDoesNotReadIsClosedAndOthersGoOn(CapturedOutput output) throws Exception {
        CompletableFuture<String> closed = new CompletableFuture<>();
        CompletableFuture<String> loaded = new CompletableFuture<>();
        StringBuilder first = new StringBuilder();
        WebSocket slow = http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws"),
                new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        // reads the load's answer, then nothing more (no further request(n))
                        if (!loaded.isDone()) {
                            first.append(data);
                            if (last) {
                                loaded.complete(first.toString());
                            } else {
                                webSocket.request(1);
                            }
                        }
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                        closed.complete(statusCode + " " + reason);
                        return null;
                    }

                    @Override
                    public void onError(WebSocket webSocket, Throwable error) {
                        closed.complete("error " + error);
                    }
                }).get(30, TimeUnit.SECONDS);
        raw.add(slow);
        WsClient good = connect();
        assertThat(good.ask(loadText(pages(8192, true))).get("type").stringValue()).isEqualTo("session");

        slow.sendText(loadText(pages(262144, false)), true).get(30, TimeUnit.SECONDS);
        assertThat(loaded.get(60, TimeUnit.SECONDS)).startsWith("{\"type\":\"session\"");
        slow.sendText("{\"type\":\"goto\",\"step\":2}", true).get(30, TimeUnit.SECONDS);
        int before = sockets.openConnections();
        for (int i = 0; i < 200 && sockets.openConnections() == before; i++) {
            // a quarter of a million characters each, cheap to make
            slow.sendText("{\"type\":\"strip\",\"proc\":\"p\",\"var\":\"buf\",\"first\":0,\"last\":262143}", true);
            Thread.sleep(20);
        }
        long until = System.nanoTime() + TIMEOUT.toNanos();
        while (sockets.openConnections() == before && System.nanoTime() < until) {
            Thread.sleep(20);
        }
        assertThat(sockets.openConnections()).as("the slow reader was closed").isEqualTo(before - 1);
        // the well-behaved client is served all along
        JsonNode step = good.ask("{\"type\":\"step\",\"dir\":\"forward\"}");
        assertThat(step.get("type").stringValue()).isEqualTo("delta");
        // once it reads, the slow client finds the close: 1008 naming the property, or a dropped socket
        // when the close frame could not get past its unread data (an error, or 1006, which RFC 6455
        // reserves for "closed without a close frame" and which Java's client reports then)
        slow.request(Long.MAX_VALUE);
        String how = closed.get(30, TimeUnit.SECONDS);
        if (!how.startsWith("error") && !how.startsWith("1006")) {
            assertThat(how).startsWith("1008").contains("cowscope.ws.max-send-buffer-bytes");
        }
        Thread.sleep(1000); // the write callbacks of what it now reads
        assertThat(output.getAll()).as("the server's log").doesNotContain("IllegalStateException")
                .doesNotContain("Message will not be sent");
        assertThat(output.getAll()).contains("closed with 1008");
    }

    // ---------------------------------------------------------------- memory

    @Test
    void loadsPastTheMemoryBudgetAreRefusedNamingIt() throws Exception {
        long budget = registry.properties().memoryBudgetBytes();
        long held = registry.memoryUsed();
        // unpopulated: cheap to run, but its pages count as planned before the run
        long tooMany = Math.min(4_194_304, (budget - held) / 112 + 1024);
        WsClient c = connect();
        JsonNode refused = c.ask(loadText(pages(tooMany, false)));
        assertThat(refused.get("type").stringValue()).isEqualTo("error");
        assertThat(refused.get("code").stringValue()).isEqualTo("limit");
        assertThat(refused.get("message").stringValue()).contains("cowscope.session.memory-budget-percent");
        assertThat(registry.memoryUsed()).as("a refused load leaves nothing counted").isEqualTo(held);
        // a session that fits loads, and closing it gives its bytes back
        assertThat(c.ask(loadText(pages(1024, true))).get("type").stringValue()).isEqualTo("session");
        assertThat(registry.memoryUsed()).isGreaterThan(held);
        c.ask("{\"type\":\"close\"}");
        assertThat(registry.memoryUsed()).isEqualTo(held);
    }

    // ---------------------------------------------------------------- caps

    @Test
    void connectionsPerAddressAreCapped() throws Exception {
        for (int i = 0; i < 8; i++) {
            assertThat(connect().ask("{\"type\":\"hello\",\"v\":1}").get("type").stringValue()).isEqualTo("hello");
        }
        CompletableFuture<String> closed = new CompletableFuture<>();
        WebSocket ninth = http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws"),
                new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                        closed.complete(statusCode + " " + reason);
                        return null;
                    }
                }).get(30, TimeUnit.SECONDS);
        raw.add(ninth);
        assertThat(closed.get(30, TimeUnit.SECONDS)).startsWith("1013").contains("cowscope.ws.max-connections-per-address");
    }

    @Test
    void sessionsPerAddressAreCapped() throws Exception {
        String gallery = "{\"type\":\"load\",\"scenario\":{\"gallery\":\"basic-cow-after-fork\"}}";
        for (int i = 0; i < 6; i++) {
            assertThat(connect().ask(gallery).get("type").stringValue()).isEqualTo("session");
        }
        WsClient seventh = connect();
        JsonNode refused = seventh.ask(gallery);
        assertThat(refused.get("code").stringValue()).isEqualTo("limit");
        assertThat(refused.get("message").stringValue()).contains("cowscope.session.max-sessions-per-address");
        // a connection that holds one may reload it (the old one is replaced)
        assertThat(clients.get(0).ask(gallery).get("type").stringValue()).isEqualTo("session");
        clients.forEach(c -> {
            try {
                c.send("{\"type\":\"close\"}");
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    /** The cap was checked before the slow load and the session added after: concurrent loads passed it. */
    @Test
    void theSessionCapHoldsUnderConcurrentLoads() throws Exception {
        int n = 8;
        List<WsClient> mine = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            mine.add(connect());
        }
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<JsonNode>> answers = new ArrayList<>();
            for (WsClient c : mine) {
                answers.add(pool.submit(() -> {
                    go.await();
                    return c.ask(loadText(pages(4096, true)));
                }));
            }
            go.countDown();
            int loaded = 0;
            for (Future<JsonNode> a : answers) {
                JsonNode m = a.get(60, TimeUnit.SECONDS);
                if (m.get("type").stringValue().equals("session")) {
                    loaded++;
                } else {
                    assertThat(m.get("message").stringValue()).containsAnyOf("cowscope.session.max-sessions",
                            "cowscope.session.memory-budget-percent");
                }
            }
            assertThat(loaded).isLessThanOrEqualTo(6);
            assertThat(registry.size()).isEqualTo(loaded).isLessThanOrEqualTo(6);
        } finally {
            pool.shutdownNow();
            for (WsClient c : mine) {
                c.send("{\"type\":\"close\"}");
            }
        }
    }

    // ---------------------------------------------------------------- text

    @Test
    void aLoneSurrogateIsAnErrorAndTheSocketStays() throws Exception {
        WsClient c = connect();
        JsonNode error = c.ask("{\"type\":\"x\\ud800\"}");
        assertThat(error.get("code").stringValue()).isEqualTo("malformed");
        assertThat(error.get("message").stringValue()).contains("surrogate");
        assertThat(c.ask("{\"type\":\"hello\",\"v\":1}").get("type").stringValue()).isEqualTo("hello");
        // a scenario carrying one (a short link could) cannot break the session of whoever opens it
        JsonNode load = c.ask("{\"type\":\"load\",\"scenario\":{\"text\":\"title \\\"a\\udc00b\\\"\\nprocess p\\n\"}}");
        assertThat(load.get("code").stringValue()).isEqualTo("malformed");
        assertThat(c.ask("{\"type\":\"load\",\"scenario\":{\"gallery\":\"basic-cow-after-fork\"}}").get("type").stringValue())
                .isEqualTo("session");
        assertThat(c.isOpen()).isTrue();
        c.send("{\"type\":\"close\"}");
    }
}
