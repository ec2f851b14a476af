package io.cowscope.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.cowscope.scenario.Scenario;
import io.cowscope.scenario.ScenarioLanguage;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every gallery scenario whose operations the probe performs runs on this machine's kernel: model and
 * kernel must agree on everything observable, and every observable expectation must hold, except the
 * known differences below (each with its reason). Runs on Linux as root (CI); elsewhere it is skipped,
 * except that under CI=true on Linux as root a probe that cannot be built fails.
 */
class HostGalleryNativeTest {

    /** A difference that may appear, and why. {@code scenario} null = any scenario; {@code field} a field kind or "FAIL line N". */
    record Known(String scenario, String field, String reason) {}

    static final String BATCH = "PG_lru is clear while a page waits in a per-CPU LRU-add batch; the batch is shared with every "
            + "process on that CPU and drained whenever 31 pages fill it, so on a machine with other activity the kernel shows pages "
            + "on the LRU that the model (a quiet machine) still keeps in the batch";

    static final List<Known> KNOWN = List.of(
            new Known(null, "page lru", BATCH),
            new Known("fork-remote-lru-batch.cow", "frame changed", "the copy needs the page to still sit in CPU 0's LRU-add batch "
                    + "when the parent writes from CPU 1; when other activity on CPU 0 drained the batch first, the kernel reuses ("
                    + BATCH + ")"),
            new Known("fork-remote-lru-batch.cow", "FAIL line 31", "the same: 'last cow' needs the remote batch reference"),
            new Known("lru-batch-remote-cpu.cow", "frame changed", "the same remote-batch condition as fork-remote-lru-batch.cow"),
            new Known("uffd-wp-fork.cow", "step faults", "the write that blocks on a uffd-wp page: the model counts the blocked"
                    + " attempt as a fault; since 6.5 (\"mm: do not increment pgfault stats when page fault handler retries\")"
                    + " mm_account_fault counts only the completed fault, after the protection is removed (the probe's SIGBUS"
                    + " attempt is not counted either)"));

    static boolean root() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith("Uid:")) return l.split("\\s+")[2].equals("0");
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    static String known(String scenario, String field) {
        for (Known k : KNOWN) if ((k.scenario() == null || k.scenario().equals(scenario)) && k.field().equals(field)) return k.reason();
        return null;
    }

    @Test
    void galleryScenariosAgreeWithThisKernel() throws IOException {
        assumeTrue(Probe.unsupportedReason() == null, "not Linux");
        assumeTrue(root(), "needs root: frame numbers, /proc/kpageflags and swapon");
        Probe probe;
        try {
            probe = Probe.locate();
        } catch (IOException e) {
            if ("true".equals(System.getenv("CI"))) throw e;
            assumeTrue(false, "the probe cannot be built here: " + e.getMessage());
            return;
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(Path.of("src", "main", "resources", "scenarios"))) {
            files = s.filter(p -> p.toString().endsWith(".cow")).sorted().toList();
        }
        assertFalse(files.isEmpty());
        List<String> unexplained = new ArrayList<>(), explained = new ArrayList<>(), notNative = new ArrayList<>();
        int ran = 0, passed = 0, unobservable = 0;
        for (Path f : files) {
            String name = f.getFileName().toString();
            ScenarioLanguage.Checked c = ScenarioLanguage.check(Files.readString(f));
            assertTrue(c.ok(), name);
            Scenario s = c.scenario();
            ProbeScript script = ProbeScript.of(s, HostLimits.DEFAULT);
            if (!script.skipped().isEmpty()) {
                notNative.add(name + ": " + String.join("; ", script.skipped().values()));
                continue;
            }
            ran++;
            HostRun r = HostRun.run(s, null, probe, HostLimits.DEFAULT);
            for (HostRun.StepReport st : r.steps()) {
                for (HostRun.Difference d : st.differences()) {
                    String line = name + ":" + st.line() + " " + d.field() + ": model " + d.model() + ", kernel " + d.kernel();
                    if (known(name, Fields.kind(d.field())) != null) explained.add(line);
                    else unexplained.add(line);
                }
            }
            for (HostRun.Expectation e : r.expectations()) {
                if (e.verdict() == HostRun.Verdict.PASS) passed++;
                if (e.verdict() == HostRun.Verdict.UNOBSERVABLE) unobservable++;
                if (e.verdict() != HostRun.Verdict.FAIL) continue;
                String line = name + ":" + e.line() + " " + e.source() + " — " + e.detail();
                if (known(name, "FAIL line " + e.line()) != null) explained.add(line);
                else unexplained.add(line);
            }
        }
        System.out.println("host gallery on " + probeKernel(probe) + ": " + ran + " scenarios run natively, " + notNative.size()
                + " not (an operation has no native form); expectations: " + passed + " held, " + unobservable + " unobservable");
        for (String n : notNative) System.out.println("  not native: " + n);
        System.out.println("  known differences (" + explained.size() + "):");
        Map<String, Long> byKind = explained.stream().collect(java.util.stream.Collectors.groupingBy(
                l -> l.substring(0, l.indexOf(':')) + " " + l.replaceAll("^[^ ]+ [^ ]+ ", "").replaceAll(":.*", ""),
                java.util.TreeMap::new, java.util.stream.Collectors.counting()));
        byKind.forEach((k, v) -> System.out.println("    " + v + "× " + k));
        for (Known k : KNOWN) System.out.println("  why " + (k.scenario() == null ? "" : k.scenario() + " ") + k.field() + ": " + k.reason());
        assertTrue(unexplained.isEmpty(), "model and kernel differ (add a known difference only with its reason):\n  "
                + String.join("\n  ", unexplained));
    }

    private static String probeKernel(Probe probe) throws IOException {
        return "Linux " + probe.run("probe 1\nprocs 0\nswap off\n", java.time.Duration.ofSeconds(10)).hello().kernel();
    }
}
