package io.cowscope.share;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A link the server acknowledged survives {@code kill -9}: the real application runs in a child
 * JVM (this test's class path, a random port, its default H2 file URL under a temporary
 * {@code cowscope.data-dir}), is killed with SIGKILL right after answering the POST, restarted on
 * the same file, and must still serve the link.
 */
class ShareDurabilityTests {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final JsonMapper json = JsonMapper.builder().build();
    private final List<Process> started = new ArrayList<>();

    @TempDir
    Path dataDir;

    @AfterEach
    void stopAll() throws InterruptedException {
        for (Process process : started) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void anAcknowledgedLinkSurvivesKillMinus9() throws Exception {
        String text = "title \"Durable\"\nprocess p\n# " + Instant.now() + "\n";
        String body = "{\"text\":" + json.writeValueAsString(text) + ",\"kernel\":\"6.18\",\"step\":1}";

        int port = freePort();
        Process first = start(port, "first");
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/links"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        // SIGKILL at once: no shutdown hook, no H2 close, no chance to flush anything later
        first.destroyForcibly();
        assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = json.readTree(created.body()).get("id").stringValue();

        int again = freePort();
        start(again, "second");
        HttpResponse<String> read = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + again + "/api/links/" + id)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
        JsonNode link = json.readTree(read.body());
        assertThat(link.get("text").stringValue()).isEqualTo(text);
        assertThat(link.get("step").intValue()).isEqualTo(1);
    }

    private Process start(int port, String name) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path log = dataDir.resolve(name + ".log");
        Process process = new ProcessBuilder(java.toString(), "-Xmx384m", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"),
                "io.cowscope.CowscopeApplication",
                "--server.port=" + port, "--server.address=127.0.0.1",
                "--cowscope.data-dir=" + dataDir.resolve("data"))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        started.add(process);
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new AssertionError("the server exited with " + process.exitValue() + ":\n" + Files.readString(log));
            }
            try {
                HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                if (health.statusCode() == 200) {
                    return process;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new AssertionError("the server did not start within " + START_TIMEOUT + ":\n" + Files.readString(log));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
