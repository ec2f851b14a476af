package io.cowscope;

import static org.assertj.core.api.Assertions.assertThat;

import io.cowscope.engine.EngineInfo;
import io.cowscope.system.AppVersion;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The one full-server smoke test: a real port, a real WebSocket client, real HTTP. */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class CowscopeServerTests {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private final JsonMapper json = JsonMapper.builder().build();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private Client client;

    @LocalServerPort
    int port;

    @AfterEach
    void close() {
        if (client != null) {
            client.socket.abort();
        }
    }

    @Test
    void helloIsAnswered() throws Exception {
        client = connect(null);
        client.send("{\"type\":\"hello\",\"v\":1}");
        JsonNode hello = client.next();
        assertThat(hello.get("type").stringValue()).isEqualTo("hello");
        assertThat(hello.get("v").intValue()).isEqualTo(1);
        assertThat(hello.get("server").stringValue()).isEqualTo(AppVersion.serverName()).startsWith("cowscope ");
        assertThat(hello.get("engine").stringValue()).isEqualTo(EngineInfo.VERSION);
    }

    @Test
    void sameOriginPagesMayConnect() throws Exception {
        client = connect("http://localhost:" + port);
        client.send("{\"type\":\"hello\",\"v\":1}");
        assertThat(client.next().get("type").stringValue()).isEqualTo("hello");
    }

    @Test
    void malformedMessagesGetAnErrorAndTheConnectionStaysUsable() throws Exception {
        client = connect(null);
        client.send("{this is not json");
        JsonNode error = client.next();
        assertThat(error.get("type").stringValue()).isEqualTo("error");
        assertThat(error.get("code").stringValue()).isEqualTo("malformed");

        client.send("{\"type\":\"no-such-type\"}");
        assertThat(client.next().get("code").stringValue()).isEqualTo("unknown-type");

        client.send("{\"type\":\"hello\",\"v\":1}");
        assertThat(client.next().get("type").stringValue()).isEqualTo("hello");
    }

    @Test
    void aForeignOriginIsRefusedWith403() throws IOException {
        assertThat(upgradeStatus("https://evil.example")).isEqualTo(403);
        assertThat(upgradeStatus("http://localhost:" + (port == 1 ? 2 : port - 1))).isEqualTo(403);
        // the same handshake from the page's own origin is upgraded
        assertThat(upgradeStatus("http://localhost:" + port)).isEqualTo(101);
    }

    @Test
    void healthIsUp() throws Exception {
        HttpResponse<String> response = get("/actuator/health");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json.readTree(response.body()).get("status").stringValue()).isEqualTo("UP");
    }

    @Test
    void thePageLoadsTheBundleWithoutInlineScript() throws Exception {
        HttpResponse<String> response = get("/");
        assertThat(response.statusCode()).isEqualTo(200);
        String page = response.body();
        assertThat(page).contains("<h1 class=\"app-name\">cowscope</h1>", "id=\"conn-status\"", "id=\"server-version\"");
        assertThat(page).containsPattern("<script type=\"module\" src=\"/assets/app[^\"]*\\.js\"></script>");
        assertThat(page).doesNotContainPattern("<script(?![^>]*\\bsrc=)[^>]*>");
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(TIMEOUT).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** Sends a WebSocket upgrade request by hand and returns the HTTP status of the answer. */
    private int upgradeStatus(String origin) throws IOException {
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(("GET /ws HTTP/1.1\r\n"
                    + "Host: localhost:" + port + "\r\n"
                    + "Upgrade: websocket\r\n"
                    + "Connection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n"
                    + "Origin: " + origin + "\r\n"
                    + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String statusLine = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
            assertThat(statusLine).startsWith("HTTP/1.1 ");
            return Integer.parseInt(statusLine.split(" ")[1]);
        }
    }

    private Client connect(String origin) throws Exception {
        Client listener = new Client();
        WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(TIMEOUT);
        if (origin != null) {
            builder.header("Origin", origin);
        }
        listener.socket = builder.buildAsync(URI.create("ws://localhost:" + port + "/ws"), listener)
                .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        return listener;
    }

    /** A WebSocket listener that queues whole text messages as JSON. */
    private final class Client implements WebSocket.Listener {
        final BlockingQueue<String> received = new LinkedBlockingQueue<>();
        private final StringBuilder partial = new StringBuilder();
        WebSocket socket;

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

        void send(String text) throws Exception {
            socket.sendText(text, true).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }

        JsonNode next() throws InterruptedException {
            String text = received.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertThat(text).as("a message within %s", TIMEOUT).isNotNull();
            return json.readTree(text);
        }
    }
}
