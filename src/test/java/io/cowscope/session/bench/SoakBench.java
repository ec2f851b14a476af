package io.cowscope.session.bench;

import io.cowscope.CowscopeApplication;
import io.cowscope.session.WsClient;
import io.cowscope.session.web.SessionRegistry;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Issue 14's attack as a soak (a benchmark with a main, not a test): {@code --slow=N} clients that
 * each load a {@code --pages=N}-page scenario (populated), go to its end and ask for three
 * {@code --window=N}-PTE windows every 5 s, and never read a byte; one well-behaved client that
 * steps back and forth (100 ms think time) and times each answer; {@code /actuator/health} timed
 * every 250 ms; all for {@code --seconds=N}. Starts the server in this JVM on 127.0.0.1 with the
 * given {@code --cowscope.*} settings (so run it with the heap you want to prove, e.g. -Xmx1g, and
 * -XX:+ExitOnOutOfMemoryError so that an OutOfMemoryError ends the run instead of hiding).
 *
 * <pre>
 * mvn -q -B -Dfrontend.skip=true test-compile
 * mvn -q -B dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -Xmx1g -XX:+ExitOnOutOfMemoryError -cp "target/test-classes:target/classes:$(cat target/cp.txt)" \
 *     io.cowscope.session.bench.SoakBench --slow=250 --seconds=90
 * </pre>
 *
 * All clients come from 127.0.0.1, so with the default per-address caps most slow clients are
 * refused at once; {@code --open} lifts those caps (to 10,000) so that the memory budget and the
 * send queues must hold the server up instead.
 */
public final class SoakBench {
    private SoakBench() {
    }

    public static void main(String[] args) {
        try {
            run(args);
        } catch (Throwable t) {
            t.printStackTrace();
            System.exit(2); // the server's threads would keep the JVM running
        }
    }

    private static void run(String[] args) throws Exception {
        int slow = option(args, "slow", 250);
        int seconds = option(args, "seconds", 90);
        int pages = option(args, "pages", 65536);
        int window = option(args, "window", 4096);
        boolean open = Arrays.asList(args).contains("--open");
        List<String> serverArgs = new ArrayList<>(List.of("--server.port=0", "--server.address=127.0.0.1",
                "--spring.main.banner-mode=off", "--logging.level.root=WARN",
                "--spring.datasource.url=jdbc:h2:mem:soak;DB_CLOSE_DELAY=-1",
                "--cowscope.session.max-messages-per-second=1000"));
        if (open) {
            serverArgs.add("--cowscope.ws.max-connections-per-address=10000");
            serverArgs.add("--cowscope.session.max-sessions-per-address=10000");
        }
        for (String a : args) {
            if (a.startsWith("--cowscope.")) {
                serverArgs.add(a);
            }
        }
        ConfigurableApplicationContext server = SpringApplication.run(CowscopeApplication.class, serverArgs.toArray(String[]::new));
        String port = server.getEnvironment().getProperty("local.server.port");
        String ws = "ws://127.0.0.1:" + port + "/ws";
        SessionRegistry registry = server.getBean(SessionRegistry.class);
        System.out.printf("server on %s, max heap %d MiB, %d slow clients (%s), %d pages, windows of %d, %d s%n", ws,
                Runtime.getRuntime().maxMemory() >> 20, slow, open ? "per-address caps lifted" : "default caps", pages,
                window, seconds);

        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        ScheduledExecutorService timers = Executors.newScheduledThreadPool(4);
        AtomicLong healthMax = new AtomicLong();
        AtomicInteger healthFailures = new AtomicInteger();
        ConcurrentLinkedQueue<Long> healthNanos = new ConcurrentLinkedQueue<>();
        AtomicLong heapMax = new AtomicLong();
        long end = System.nanoTime() + seconds * 1_000_000_000L;

        // health every 250 ms (a request may overlap the next: each is timed on its own)
        timers.scheduleAtFixedRate(() -> {
            long t0 = System.nanoTime();
            http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health"))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString())
                    .whenComplete((r, e) -> {
                        long took = System.nanoTime() - t0;
                        healthNanos.add(took);
                        healthMax.accumulateAndGet(took, Math::max);
                        if (e != null || r.statusCode() != 200) {
                            healthFailures.incrementAndGet();
                        }
                    });
        }, 0, 250, TimeUnit.MILLISECONDS);
        timers.scheduleAtFixedRate(() -> heapMax.accumulateAndGet(
                ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max), 0, 100, TimeUnit.MILLISECONDS);

        // the slow clients: connect over ~10 s, load, go to the end, windows every 5 s, never read
        String scenario = "process p\np: buf = mmap " + pages + " populate\np: fork c\nc: write buf[0..15] \"x\"\n";
        String load = "{\"type\":\"load\",\"scenario\":{\"text\":" + WsClient.JSON.writeValueAsString(scenario) + "}}";
        List<WebSocket> slowClients = new ArrayList<>();
        ConcurrentHashMap<String, AtomicInteger> closes = new ConcurrentHashMap<>();
        AtomicInteger connectFailures = new AtomicInteger();
        long spacing = Math.max(1, 10_000 / Math.max(1, slow));
        for (int i = 0; i < slow; i++) {
            final int n = i;
            timers.schedule(() -> {
                try {
                    WebSocket s = http.newWebSocketBuilder().buildAsync(URI.create(ws), new WebSocket.Listener() {
                        @Override
                        public void onOpen(WebSocket webSocket) {
                            // never request(n): reads nothing
                        }

                        @Override
                        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                            closes.computeIfAbsent(statusCode + " " + reason.replaceAll("[0-9]+", "N"), k -> new AtomicInteger())
                                    .incrementAndGet();
                            return null;
                        }

                        @Override
                        public void onError(WebSocket webSocket, Throwable error) {
                            closes.computeIfAbsent("error " + error.getClass().getSimpleName(), k -> new AtomicInteger())
                                    .incrementAndGet();
                        }
                    }).get(30, TimeUnit.SECONDS);
                    synchronized (slowClients) {
                        slowClients.add(s);
                    }
                    s.sendText(load, true);
                    s.sendText("{\"type\":\"goto\",\"step\":2}", true);
                    timers.scheduleWithFixedDelay(() -> {
                        if (System.nanoTime() > end || s.isOutputClosed()) {
                            return;
                        }
                        for (int w = 0; w < 3; w++) {
                            int first = ((n + w) % Math.max(1, pages / window)) * window;
                            s.sendText("{\"type\":\"window\",\"proc\":\"c\",\"var\":\"buf\",\"first\":" + first + ",\"last\":"
                                    + (first + window - 1) + "}", true);
                        }
                    }, 2000, 5000, TimeUnit.MILLISECONDS);
                } catch (Exception e) {
                    connectFailures.incrementAndGet();
                }
            }, i * spacing, TimeUnit.MILLISECONDS);
        }

        // the well-behaved client: as the page does, a busy refusal (limit with retryAfterMs) is sent
        // again after a back-off (doubling from retryAfterMs up to 4 s, at most 8 times); a step is timed
        // from its first sending to its answer, retries included
        List<Long> steps = new ArrayList<>();
        int stepErrors = 0;
        int[] retries = new int[1];
        String failure = null;
        try (WsClient good = WsClient.connect(http, ws, Duration.ofSeconds(30))) {
            JsonNode session = askRetrying(good, "{\"type\":\"load\",\"scenario\":{\"gallery\":\"basic-cow-after-fork\"}}", retries);
            if (!"session".equals(session.get("type").stringValue())) {
                failure = "the well-behaved client could not load: " + session;
            } else {
                int total = session.get("steps").intValue();
                int position = 0;
                int dir = 1;
                while (System.nanoTime() < end) {
                    if (position + dir > total || position + dir < 0) {
                        dir = -dir;
                    }
                    long t0 = System.nanoTime();
                    JsonNode answer = askRetrying(good, "{\"type\":\"step\",\"dir\":\"" + (dir > 0 ? "forward" : "back") + "\"}", retries);
                    steps.add(System.nanoTime() - t0);
                    if ("delta".equals(answer.get("type").stringValue())) {
                        position = answer.get("step").intValue();
                    } else {
                        stepErrors++;
                    }
                    Thread.sleep(100);
                }
            }
        }
        timers.shutdownNow();
        Thread.sleep(500);
        List<Long> health = new ArrayList<>(healthNanos);
        if (failure != null) {
            System.out.println("FAILED: " + failure);
        }
        System.out.printf("well-behaved client: %d steps, p50 %.1f ms, p99 %.1f ms, max %.1f ms, %d errors, %d busy retries%n",
                steps.size(), ms(percentile(steps, 50)), ms(percentile(steps, 99)), ms(percentile(steps, 100)), stepErrors,
                retries[0]);
        System.out.printf("health: %d requests, p50 %.1f ms, p99 %.1f ms, max %.1f ms, %d failed%n", health.size(),
                ms(percentile(health, 50)), ms(percentile(health, 99)), ms(healthMax.get()), healthFailures.get());
        System.out.printf("heap used max %d MiB of %d MiB; sessions held at the end %d, their estimate %d MiB%n",
                heapMax.get() >> 20, Runtime.getRuntime().maxMemory() >> 20, registry.size(), registry.memoryUsed() >> 20);
        System.out.printf("slow clients: %d connected, %d failed to connect; closes seen by them (they read nothing,"
                + " so most never see theirs): %s%n", slowClients.size(), connectFailures.get(), closes);
        System.out.println("OutOfMemoryError: none (the JVM is still running; run with -XX:+ExitOnOutOfMemoryError)");
        slowClients.forEach(WebSocket::abort);
        server.close();
        System.exit(failure == null ? 0 : 1);
    }

    /** sends, and sends again after a back-off while the answer is a busy refusal (as the page does) */
    private static JsonNode askRetrying(WsClient client, String request, int[] retries) throws Exception {
        long delay = 0;
        for (int attempt = 0;; attempt++) {
            JsonNode answer = client.ask(request);
            JsonNode after = answer.get("retryAfterMs");
            if (!"error".equals(answer.get("type").stringValue()) || after == null || attempt >= 8) {
                return answer;
            }
            delay = Math.min(4000, Math.max(after.longValue(), delay * 2));
            retries[0]++;
            Thread.sleep(delay);
        }
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static long percentile(List<Long> values, int p) {
        if (values.isEmpty()) {
            return 0;
        }
        List<Long> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }

    private static int option(String[] args, String name, int otherwise) {
        for (String a : args) {
            if (a.startsWith("--" + name + "=")) {
                return Integer.parseInt(a.substring(name.length() + 3));
            }
        }
        return otherwise;
    }
}
