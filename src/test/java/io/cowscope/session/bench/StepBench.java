package io.cowscope.session.bench;

import io.cowscope.session.Session;
import io.cowscope.session.SessionProperties;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The server's part of a browser step on large scenarios: the time a session takes to answer a
 * message (the session's work plus the JSON text the socket would send), without the network and the
 * page. Also the load of the sparse 2G scenario (map 2G, fork, 20 writes). A {@code main}, not a test:
 * <pre>
 * mvn -q -B -Dfrontend.skip=true test-compile
 * mvn -q -B dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 * java -cp "target/test-classes:target/classes:$(cat /tmp/cp.txt)" io.cowscope.session.bench.StepBench
 * </pre>
 * Prints one JSON line per measure: median and max of the repetitions, in milliseconds.
 */
public final class StepBench {
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    /** map 2G, fork, 20 writes alternating between the two processes, one expectation */
    public static String sparse2g() {
        StringBuilder sb = new StringBuilder("title \"sparse 2G\"\nprocess p\np: buf = mmap 2G\np: write buf[0] \"a\"\np: fork c\n");
        for (int k = 0; k < 20; k++) sb.append(k % 2 == 0 ? "p" : "c").append(": write buf[").append(k * 26_000).append("] \"w").append(k).append("\"\n");
        return sb.append("expect c.buf[0] == \"a\"\n").toString();
    }

    /** 1 GiB populated, forked, then single-page and whole-mapping writes */
    public static String oneGib() {
        StringBuilder sb = new StringBuilder("process p\np: buf = mmap 1G\np: write buf \"A\"\np: fork c\n");
        for (int k = 0; k < 12; k++) sb.append(k % 2 == 0 ? "c" : "p").append(": write buf[").append(k * 20_000 + 5).append("] \"x").append(k).append("\"\n");
        sb.append("c: write buf \"B\"\nc: exit\np: write buf \"C\"\n");
        return sb.toString();
    }

    public static void main(String[] args) {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        SessionProperties props = SessionProperties.defaults();
        // warm up the code paths once on a small scenario
        Session warm = load("process p\np: buf = mmap 64\np: write buf \"A\"\np: fork c\nc: write buf[1] \"x\"\n", props);
        for (int i = 0; i < 50; i++) {
            json(warm.step(1, null));
            json(warm.step(-1, null));
        }
        System.out.println(measure("load sparse 2G (" + sparse2g().length() + " bytes)", reps, () -> json(load(sparse2g(), props).view(1))));
        Session s = load(oneGib(), props);
        int steps = s.steps();
        List<Double> fwd = new ArrayList<>(), back = new ArrayList<>(), jump = new ArrayList<>();
        for (int r = 0; r < reps; r++) {
            s.goTo(0, null);
            for (int k = 0; k < steps; k++) fwd.add(time(() -> json(s.step(1, null))));
            for (int k = 0; k < steps; k++) back.add(time(() -> json(s.step(-1, null))));
            java.util.Random rnd = new java.util.Random(r);
            for (int k = 0; k < steps; k++) {
                int to = rnd.nextInt(steps + 1);
                jump.add(time(() -> json(s.goTo(to, null))));
            }
        }
        System.out.println(line("1 GiB step forward (" + steps + " steps × " + reps + ")", fwd));
        System.out.println(line("1 GiB step back", back));
        System.out.println(line("1 GiB goto random", jump));
        System.out.println(measure("1 GiB load", reps, () -> json(load(oneGib(), props).view(1))));
    }

    static Session load(String text, SessionProperties props) {
        return Session.load("bench", new Session.LoadRequest(text, null, null, null, null, null, null), props);
    }

    static int json(Object message) {
        return JSON.writeValueAsString(message).length();
    }

    static double time(Supplier<Integer> work) {
        long t = System.nanoTime();
        int n = work.get();
        if (n < 0) throw new IllegalStateException();
        return (System.nanoTime() - t) / 1e6;
    }

    static String measure(String what, int reps, Supplier<Integer> work) {
        List<Double> ms = new ArrayList<>();
        for (int r = 0; r < reps; r++) ms.add(time(work));
        return line(what, ms);
    }

    static String line(String what, List<Double> ms) {
        List<Double> sorted = new ArrayList<>(ms);
        Collections.sort(sorted);
        return String.format(Locale.ROOT, "{\"measure\":\"%s\",\"n\":%d,\"median_ms\":%.1f,\"max_ms\":%.1f,\"load\":\"%s\"}", what,
                sorted.size(), sorted.get(sorted.size() / 2), sorted.get(sorted.size() - 1), loadAverage());
    }

    static String loadAverage() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "?";
        }
    }
}
