package io.cowscope.host;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The native probe (src/main/c/cowprobe.c): found where the build put it, or compiled on first use
 * into a cache directory from the source bundled in the jar. Runs one script per process.
 */
public final class Probe {
    private final Path binary;
    private static final boolean DEBUG = System.getenv("COWSCOPE_HOST_DEBUG") != null;

    private Probe(Path binary) {
        this.binary = binary;
    }

    public Path binary() {
        return binary;
    }

    /** Why the probe cannot run on this machine, or null when it can (Linux only). */
    public static String unsupportedReason() {
        String os = System.getProperty("os.name", "");
        if (!os.toLowerCase(java.util.Locale.ROOT).contains("linux")) return "the native probe runs only on Linux (this is " + os + ")";
        return null;
    }

    /**
     * Finds or builds the probe: system property {@code cowscope.probe} or environment
     * {@code COWSCOPE_PROBE} (a path), then target/native/cowprobe (the Maven build), then a cached
     * build under {@code $XDG_CACHE_HOME/cowscope} (or ~/.cache/cowscope) compiled with cc.
     */
    public static Probe locate() throws IOException {
        String why = unsupportedReason();
        if (why != null) throw new IOException(why);
        String given = System.getProperty("cowscope.probe", System.getenv("COWSCOPE_PROBE"));
        if (given != null && !given.isBlank()) {
            Path p = Path.of(given);
            if (!Files.isExecutable(p)) throw new IOException("the probe given by cowscope.probe/COWSCOPE_PROBE is not executable: " + p);
            return new Probe(p);
        }
        byte[] source = source();
        Path built = Path.of("target", "native", "cowprobe");
        Path builtSource = Path.of("src", "main", "c", "cowprobe.c");
        if (Files.isExecutable(built) && Files.exists(builtSource) && java.util.Arrays.equals(Files.readAllBytes(builtSource), source)
                && Files.getLastModifiedTime(built).compareTo(Files.getLastModifiedTime(builtSource)) >= 0) {
            return new Probe(built);
        }
        String cacheHome = System.getenv("XDG_CACHE_HOME");
        Path cache = (cacheHome != null && !cacheHome.isBlank() ? Path.of(cacheHome) : Path.of(System.getProperty("user.home"), ".cache"))
                .resolve("cowscope").resolve("probe-" + Integer.toHexString(java.util.Arrays.hashCode(source)));
        Path bin = cache.resolve("cowprobe");
        if (Files.isExecutable(bin)) return new Probe(bin);
        Files.createDirectories(cache);
        Path src = cache.resolve("cowprobe.c");
        Files.write(src, source);
        String cc = System.getenv().getOrDefault("CC", "cc");
        Path tmp = cache.resolve("cowprobe.tmp" + ProcessHandle.current().pid());
        Process p = new ProcessBuilder(cc, "-O2", "-Wl,-z,now", "-o", tmp.toString(), src.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("cannot build the native probe with '" + cc + "' (set CC or install a C compiler): " + out.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while building the probe");
        }
        Files.move(tmp, bin, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return new Probe(bin);
    }

    static byte[] source() throws IOException {
        try (InputStream in = Probe.class.getResourceAsStream("/native/cowprobe.c")) {
            if (in != null) return in.readAllBytes();
        }
        Path p = Path.of("src", "main", "c", "cowprobe.c");
        if (Files.exists(p)) return Files.readAllBytes(p);
        throw new IOException("the probe's source (native/cowprobe.c) is missing from the classpath");
    }

    /**
     * Keeps this JVM's threads off CPU 0 while the probe runs there: the JVM's own page faults would
     * otherwise fill and drain CPU 0's LRU-add batch, which the scenario observes (best effort, through
     * taskset(1); nothing happens where it is missing or there is one CPU).
     */
    private static void jvmAffinity(boolean away) {
        int n = Runtime.getRuntime().availableProcessors();
        if (n < 2 || System.getenv("COWSCOPE_HOST_KEEP_AFFINITY") != null) return;
        try {
            Process p = new ProcessBuilder("taskset", "-a", "-p", "-c", (away ? "1" : "0") + "-" + (n - 1),
                    String.valueOf(ProcessHandle.current().pid())).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            p.waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            // no taskset: the batch may be drained by the JVM's faults (docs/host.md)
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs a script; the probe is killed (and cleans up: its SIGTERM handler removes the swapfile) after {@code wall}. */
    public Observations run(String script, Duration wall) throws IOException {
        jvmAffinity(true);
        try {
            return runPinned(script, wall);
        } finally {
            jvmAffinity(false);
        }
    }

    private Observations runPinned(String script, Duration wall) throws IOException {
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(List.of(binary.toString()))
                .redirectError(DEBUG ? ProcessBuilder.Redirect.INHERIT : ProcessBuilder.Redirect.DISCARD).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread reader = new Thread(() -> {
            try (InputStream in = p.getInputStream()) {
                in.transferTo(out);
            } catch (IOException ignored) {
                // the process was killed: what was read so far stays
            }
        }, "cowprobe-reader");
        reader.setDaemon(true);
        reader.start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(script.getBytes(StandardCharsets.UTF_8));
        }
        try {
            if (!p.waitFor(wall.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroy(); // SIGTERM: the probe kills its processes, swapoff, removes its files
                if (!p.waitFor(10, TimeUnit.SECONDS)) p.destroyForcibly();
                reader.join(2000);
                throw new HostLimitException("host limit: wall time of " + wall.toSeconds() + " s exceeded; the native run was stopped");
            }
            reader.join(10000);
        } catch (InterruptedException e) {
            p.destroy();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        if (DEBUG) System.err.printf("cowprobe: %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        Observations o = Observations.parse(out.toString(StandardCharsets.UTF_8));
        if (o.error() != null) throw new IOException("probe: " + o.error());
        if (o.hello() == null) throw new IOException("the probe exited with status " + p.exitValue() + " and printed nothing");
        return o;
    }
}
