package io.cowscope.session.bench;

import io.cowscope.CowscopeApplication;
import io.cowscope.session.Session;
import io.cowscope.session.SessionProperties;
import io.cowscope.session.WsClient;
import io.cowscope.session.web.SessionRegistry;
import java.lang.management.ManagementFactory;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Load benchmark of live sessions (not a test): opens N WebSocket sessions at once, loads a gallery
 * scenario in each, steps them all concurrently (each like a user who steps every {@code think-ms},
 * ± 50 %; at the end a goto back to 0), and reports request latency (p50/p99/max, measured at the
 * client: request sent → answer parsed), errors, and the heap before, during and after closing.
 * Client and server share this JVM (and its cores), so the heap figures include the clients' buffers.
 * Then builds one 10,000-step session (appends) and times {@code goto} to random steps.
 *
 * <p>Run (from the repository root; starts the server in this JVM on 127.0.0.1, port chosen by the OS):
 * <pre>
 * mvn -q -B -Dfrontend.skip=true test-compile
 * mvn -q -B dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 * java -Xmx1g -cp "target/test-classes:target/classes:$(cat /tmp/cp.txt)" \
 *     io.cowscope.session.bench.SessionLoadBench --sessions=1000 --steps=20 --cycles=2
 * </pre>
 * Options: {@code --sessions=N} (at most 5000), {@code --steps=N} per session, {@code --think-ms=N}
 * (default 1000), {@code --threads=N} client threads (default 32), {@code --scenario=ID}, {@code --long-steps=N} (the long session, 0 to skip),
 * {@code --gotos=N}, {@code --cycles=N} (open-step-close this many times, to tell a leak from the
 * container's bounded caches: the heap after each close should not grow from cycle to cycle), {@code --url=ws://127.0.0.1:PORT/ws} to drive a server that is already running
 * (loopback only; the heap figures are then not available), {@code --max-seconds=N} (a hard stop).
 * Requests of one connection are paced below the default rate limit (100 per second).
 */
public final class SessionLoadBench {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private SessionLoadBench() {
    }

    public static void main(String[] args) throws Exception {
        int sessions = Math.min(5000, intArg(args, "sessions", 1000));
        int steps = intArg(args, "steps", 20);
        int threads = intArg(args, "threads", 32);
        int thinkMs = Math.max(20, intArg(args, "think-ms", 1000));
        int longSteps = intArg(args, "long-steps", 10_000);
        int gotos = intArg(args, "gotos", 200);
        int maxSeconds = intArg(args, "max-seconds", 600);
        int cycles = Math.max(1, Math.min(10, intArg(args, "cycles", 1)));
        String scenario = stringArg(args, "scenario", "basic-cow-after-fork");
        String url = stringArg(args, "url", null);
        if (url != null && !(url.startsWith("ws://127.0.0.1:") || url.startsWith("ws://localhost:"))) {
            throw new IllegalArgumentException("loopback only: --url=ws://127.0.0.1:PORT/ws");
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(maxSeconds);

        ConfigurableApplicationContext server = null;
        if (url == null) {
            List<String> serverArgs = new ArrayList<>(List.of("--server.port=0", "--server.address=127.0.0.1",
                    "--spring.main.banner-mode=off", "--logging.level.root=WARN"));
            for (String a : args) {
                if (a.startsWith("--cowscope.")) {
                    serverArgs.add(a); // server settings, e.g. --cowscope.session.checkpoint-interval=16
                }
            }
            server = SpringApplication.run(CowscopeApplication.class, serverArgs.toArray(String[]::new));
            String port = server.getEnvironment().getProperty("local.server.port");
            url = "ws://127.0.0.1:" + port + "/ws";
        }
        System.out.printf("cowscope session load bench: %d sessions × %d steps, %d client threads, scenario %s, %s%n",
                sessions, steps, threads, scenario, url);
        System.out.printf("machine: %d cores, max heap %d MiB, Java %s%n", Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20, System.getProperty("java.version"));
        long baseline = server == null ? -1 : settledHeap();

        HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicInteger errors = new AtomicInteger();
        ConcurrentLinkedQueue<String> errorSamples = new ConcurrentLinkedQueue<>();
        List<WsClient> clients = new ArrayList<>();
        String urlFinal = url;
        for (int cycle = 1; cycle <= cycles && System.nanoTime() < deadline; cycle++) {
        if (cycles > 1) {
            System.out.printf("-- cycle %d of %d%n", cycle, cycles);
        }

        // open and load, concurrently
        long t0 = System.nanoTime();
        List<Future<WsClient>> opened = new ArrayList<>();
        for (int i = 0; i < sessions; i++) {
            opened.add(pool.submit(() -> {
                WsClient c = WsClient.connect(http, urlFinal, TIMEOUT);
                JsonNode s = c.ask("{\"type\":\"load\",\"v\":1,\"scenario\":{\"gallery\":\"" + scenario + "\"}}");
                if (!"session".equals(s.get("type").stringValue())) {
                    errors.incrementAndGet();
                    sample(errorSamples, s);
                }
                return c;
            }));
        }
        for (Future<WsClient> f : opened) {
            clients.add(f.get());
        }
        opened.clear();
        double openSeconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("opened and loaded %d sessions in %.1f s%n", clients.size(), openSeconds);

        // step them all, concurrently: each session like a user who steps every think-ms (jittered),
        // forward to the end, then back to step 0 with a goto, and on; every request is timed
        long[] latencies = new long[sessions * steps];
        AtomicInteger next = new AtomicInteger();
        ScheduledExecutorService users = Executors.newScheduledThreadPool(threads);
        CountDownLatch finished = new CountDownLatch(clients.size());
        Random jitter = new Random(1);
        t0 = System.nanoTime();
        for (WsClient c : clients) {
            Runnable user = new Runnable() {
                int done;

                @Override
                public void run() {
                    try {
                        long a = System.nanoTime();
                        JsonNode d = c.ask("{\"type\":\"step\",\"v\":1,\"dir\":\"forward\"}");
                        if ("delta".equals(d.get("type").stringValue()) && d.get("step").intValue() == d.get("steps").intValue()) {
                            d = c.ask("{\"type\":\"goto\",\"v\":1,\"step\":0}");
                        }
                        latencies[next.getAndIncrement()] = System.nanoTime() - a;
                        if (!"delta".equals(d.get("type").stringValue())) {
                            errors.incrementAndGet();
                            sample(errorSamples, d);
                        }
                    } catch (Exception | AssertionError e) {
                        errors.incrementAndGet();
                        errorSamples.add(e.toString());
                    }
                    if (++done < steps && System.nanoTime() < deadline) {
                        users.schedule(this, thinkMs / 2 + ThreadLocalRandom.current().nextInt(thinkMs), TimeUnit.MILLISECONDS);
                    } else {
                        finished.countDown();
                    }
                }
            };
            users.schedule(user, jitter.nextInt(thinkMs), TimeUnit.MILLISECONDS);
        }
        finished.await();
        users.shutdown();
        double stepSeconds = (System.nanoTime() - t0) / 1e9;
        long[] lat = Arrays.copyOf(latencies, next.get());
        Arrays.sort(lat);
        System.out.printf("steps: %d in %.1f s (%.0f/s, think time %d ms ± 50%%); latency p50 %.2f ms, p99 %.2f ms,"
                + " max %.2f ms; errors %d%n", lat.length, stepSeconds, lat.length / stepSeconds, thinkMs,
                ms(pct(lat, 50)), ms(pct(lat, 99)), ms(lat.length == 0 ? 0 : lat[lat.length - 1]), errors.get());
        long during = server == null ? -1 : settledHeap();

        // one long session: 10,000 steps by appends, then goto anywhere
        if (longSteps > 0 && cycle == 1) {
            longSession(http, url, longSteps, gotos, errors, errorSamples);
        }

        // close everything and see the heap come back
        t0 = System.nanoTime();
        List<Future<?>> closing = new ArrayList<>();
        for (WsClient c : clients) {
            closing.add(pool.submit(() -> {
                JsonNode m = c.ask("{\"type\":\"close\",\"v\":1}");
                if (!"closed".equals(m.get("type").stringValue())) {
                    errors.incrementAndGet();
                    sample(errorSamples, m);
                }
                c.close();
                return null;
            }));
        }
        for (Future<?> f : closing) {
            f.get();
        }
        closing.clear();
        clients.clear();
        System.out.printf("closed %d sessions in %.1f s%n", sessions, (System.nanoTime() - t0) / 1e9);
        if (server != null) {
            Thread.sleep(500);
            long after = settledHeap();
            System.out.printf("heap (used, after GC): baseline %.1f MiB, %d sessions open %.1f MiB (%.1f KiB per session),"
                    + " after close %.1f MiB (%+.1f MiB vs baseline); sessions held by the server: %d%n", mib(baseline),
                    sessions, mib(during), (during - baseline) / 1024.0 / sessions, mib(after), mib(after - baseline),
                    server.getBean(SessionRegistry.class).size());
        }
        }
        pool.shutdown();
        if (server != null) {
            sessionOnlyHeap(scenario, sessions);
        }
        Thread.sleep(1000L * Math.min(120, intArg(args, "hold-seconds", 0))); // time for jmap -histo:live
        System.out.printf("errors: %d%s%n", errors.get(), errorSamples.isEmpty() ? "" : " e.g. " + errorSamples.peek());
        if (server != null) {
            server.close();
        }
        System.exit(errors.get() == 0 ? 0 : 1);
    }

    private static void longSession(HttpClient http, String url, int longSteps, int gotos, AtomicInteger errors,
            ConcurrentLinkedQueue<String> errorSamples) throws Exception {
        try (WsClient c = WsClient.connect(http, url, TIMEOUT)) {
            c.ask("{\"type\":\"load\",\"v\":1,\"scenario\":{\"text\":\"process p\\np: buf = mmap 16\\n\"}}");
            int have = 1;
            long t0 = System.nanoTime();
            int block = 1000;
            while (have < longSteps) {
                StringBuilder sb = new StringBuilder();
                int n = Math.min(block, longSteps - have);
                for (int i = 0; i < n; i++) {
                    int s = have + i;
                    sb.append(s % 7 == 3 ? "p: read buf[" + (s % 16) + "]" : "p: write buf[" + (s % 16) + "] \"v" + s + "\"")
                            .append('\n');
                }
                JsonNode d = c.ask("{\"type\":\"append\",\"v\":1,\"statement\":" + WsClient.JSON.writeValueAsString(sb.toString())
                        + "}");
                if (!"delta".equals(d.get("type").stringValue())) {
                    errors.incrementAndGet();
                    sample(errorSamples, d);
                    return;
                }
                have = d.get("steps").intValue();
                Thread.sleep(11);
            }
            System.out.printf("long session: %d steps built by appends in %.1f s%n", have, (System.nanoTime() - t0) / 1e9);
            Random random = new Random(42);
            long[] lat = new long[gotos];
            for (int i = 0; i < gotos; i++) {
                int target = random.nextInt(have + 1);
                long a = System.nanoTime();
                JsonNode d = c.ask("{\"type\":\"goto\",\"v\":1,\"step\":" + target + "}");
                lat[i] = System.nanoTime() - a;
                if (!"delta".equals(d.get("type").stringValue()) || d.get("step").intValue() != target) {
                    errors.incrementAndGet();
                    sample(errorSamples, d);
                }
                Thread.sleep(11);
            }
            Arrays.sort(lat);
            System.out.printf("goto a random step of %d: p50 %.2f ms, p99 %.2f ms, max %.2f ms (%d gotos)%n", have,
                    ms(pct(lat, 50)), ms(pct(lat, 99)), ms(lat[lat.length - 1]), gotos);
            c.ask("{\"type\":\"close\",\"v\":1}");
        }
    }

    /** the heap of the sessions alone (no sockets): N sessions loaded and stepped once, directly */
    private static void sessionOnlyHeap(String scenario, int n) throws InterruptedException {
        String text = io.cowscope.scenario.Gallery.load().find(scenario).orElseThrow().text();
        long before = settledHeap();
        List<Session> held = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Session s = Session.load("bench-" + i, new Session.LoadRequest(text, null, null, null, null, null, null),
                    SessionProperties.defaults());
            s.step(1, null);
            held.add(s);
        }
        long with = settledHeap();
        held.forEach(Session::close);
        int count = held.size();
        held.clear();
        long after = settledHeap();
        System.out.printf("sessions alone (no sockets): %.1f KiB each; %d closed: %+.1f MiB vs before%n",
                (with - before) / 1024.0 / count, count, mib(after - before));
    }

    private static void sample(ConcurrentLinkedQueue<String> samples, JsonNode m) {
        if (samples.size() < 5) {
            String s = m.toString();
            samples.add(s.length() > 300 ? s.substring(0, 300) + "…" : s);
        }
    }

    private static long settledHeap() throws InterruptedException {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(200);
            best = Math.min(best, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return best;
    }

    private static long pct(long[] sorted, int p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static double mib(long bytes) {
        return bytes / 1024.0 / 1024.0;
    }

    private static int intArg(String[] args, String name, int otherwise) {
        String v = stringArg(args, name, null);
        return v == null ? otherwise : Integer.parseInt(v);
    }

    private static String stringArg(String[] args, String name, String otherwise) {
        for (String a : args) {
            if (a.startsWith("--" + name + "=")) {
                return a.substring(name.length() + 3);
            }
        }
        return otherwise;
    }
}
