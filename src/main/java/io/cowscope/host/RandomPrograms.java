package io.cowscope.host;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import io.cowscope.engine.KernelVersion;
import io.cowscope.engine.Observer;
import io.cowscope.engine.Pagemap;
import io.cowscope.scenario.Diagnostic;
import io.cowscope.scenario.Execution;
import io.cowscope.scenario.Limits;
import io.cowscope.scenario.Printer;
import io.cowscope.scenario.RunResult;
import io.cowscope.scenario.Scenario;
import io.cowscope.scenario.ScenarioLanguage;

/**
 * {@code cowscope host --random N --seed S}: random programs over the operations the probe runs
 * natively, each run three times on the kernel (an observation counts only when all three runs agree)
 * and once on the model. Disagreements are delta-debugged to a minimal program and written as .cow
 * files whose expectations are what the kernel showed.
 */
public final class RandomPrograms {

    /** The agreement of one program. */
    public record ProgramResult(String text, int steps, int compared, int agreed, int unstable, int expectations, int expectationsHeld,
                                int unobservable, List<Disagreement> disagreements) {}

    /** A stable kernel observation the model got wrong. */
    public record Disagreement(int stepLine, String op, String field, String model, String kernel, boolean foreignDrain) {
        public Disagreement(int stepLine, String op, String field, String model, String kernel) {
            this(stepLine, op, field, model, kernel, false);
        }

        /** the class used for tallies and delta debugging: the field's kind and the operation */
        public String kind() {
            return Fields.kind(field) + " after " + op;
        }
    }

    /**
     * Whether a "page lru" difference where the model keeps {@code page} in CPU c's LRU-add batch and the kernel shows
     * it on the LRU is what a drain of that batch by something outside the scenario would give (another process
     * filling the batch to its 31 pages, or any lru_add_drain_all on the machine). A batch drains in order: whatever
     * waited in it when the foreign drain came is on the LRU, whatever came later is not. So every frame that entered
     * the model's batch at an earlier step than this page's frame (and that the kernel shows) must be on the LRU too;
     * frames that entered at the same step may go either way (the drain may have come mid-step). {@code since} gives,
     * for each frame in a batch, the step at which it entered it.
     */
    static boolean explainedByForeignDrain(String page, Map<String, String> kernel, Map<String, Fields.Batched> batchNow, Map<Fields.Batched, Integer> since) {
        Fields.Batched b = batchNow.get(page);
        if (b == null) return false;
        int mine = since.getOrDefault(b, Integer.MAX_VALUE);
        for (Map.Entry<String, Fields.Batched> e : batchNow.entrySet()) {
            if (e.getValue().cpu() != b.cpu() || since.getOrDefault(e.getValue(), Integer.MAX_VALUE) >= mine) continue;
            String k = kernel.get(e.getKey() + " page lru");
            if (k != null && !k.equals("yes")) return false;
        }
        return true;
    }

    /** The step at which each frame now in a batch entered it, carried over from the step before. */
    static Map<Fields.Batched, Integer> since(Map<Fields.Batched, Integer> before, Map<String, Fields.Batched> batchNow, int step) {
        Map<Fields.Batched, Integer> m = new java.util.HashMap<>();
        for (Fields.Batched f : batchNow.values()) m.put(f, before.getOrDefault(f, step));
        return m;
    }

    private final Probe probe;
    private final KernelVersion forced;
    private final HostLimits limits = new HostLimits(4096, 1024, 8, 60, java.time.Duration.ofSeconds(20));
    private int hostCpus = 1;
    /** --mthp: one program in three enables anonymous mTHP sizes and maps up to 8 pages */
    boolean mthp;

    RandomPrograms(Probe probe, KernelVersion forced) {
        this.probe = probe;
        this.forced = forced;
    }

    // ------------------------------------------------------------------ generation

    private static final String[] TEXTS = {"A", "B", "C", "same", "same", "x1", "x2"};

    /** A random program (valid: the language accepts it and the model runs it to the end). */
    String generate(Random r) {
        for (int attempt = 0; ; attempt++) {
            String text = raw(r);
            String valid = repair(text);
            if (valid != null && valid.lines().filter(l -> l.contains(": ")).count() >= 3) return valid;
            if (attempt > 50) return "process p\np: a = mmap 1\np: write a \"A\"\np: fork c\nc: write a \"B\"\n";
        }
    }

    private String raw(Random r) {
        StringBuilder head = new StringBuilder();
        if (hostCpus > 1) head.append("cpus 2\n");
        boolean file = r.nextInt(4) == 0;
        if (file) head.append("file f 4 \"file-data\"\n");
        // --mthp: 16K (and maybe 32K) folios in mappings of up to 8 pages
        boolean large = mthp && r.nextInt(3) == 0;
        if (large) head.append(r.nextBoolean() ? "mthp 16K always\n" : "mthp 32K always\nmthp 16K always\n");
        StringBuilder b = new StringBuilder("process p\n");
        List<String> procs = new ArrayList<>(List.of("p"));
        Map<String, List<String[]>> maps = new LinkedHashMap<>(); // proc -> {var, pages}
        maps.put("p", new ArrayList<>());
        List<String> pipes = new ArrayList<>(), handles = new ArrayList<>();
        int vars = 0, children = 0, n = 5 + r.nextInt(12);
        for (int i = 0; i < n; i++) {
            String p = procs.get(r.nextInt(procs.size()));
            List<String[]> ms = maps.get(p);
            int choice = ms.isEmpty() ? 0 : r.nextInt(100);
            if (choice < 12 && vars < 4) {
                String v = "m" + (vars++);
                int pages = 1 + r.nextInt(large ? 8 : 3);
                StringBuilder m = new StringBuilder(p + ": " + v + " = mmap " + pages);
                int kind = r.nextInt(10);
                if (kind == 0) m.append(" shared");
                else if (file && kind <= 2) m.append(" file f").append(kind == 2 ? " shared" : "");
                if (r.nextInt(8) == 0) m.append(" ro");
                if (r.nextInt(7) == 0) m.append(" populate");
                b.append(m).append('\n');
                ms.add(new String[]{v, String.valueOf(pages)});
                continue;
            }
            if (ms.isEmpty()) continue;
            String[] m = ms.get(r.nextInt(ms.size()));
            int pages = Integer.parseInt(m[1]);
            String t = r.nextInt(3) == 0 ? m[0] : m[0] + "[" + r.nextInt(pages) + "]";
            String tx = TEXTS[r.nextInt(TEXTS.length)];
            if (choice < 40) b.append(p).append(": write ").append(t).append(" \"").append(tx).append("\"\n");
            else if (choice < 50) b.append(p).append(": read ").append(t).append('\n');
            else if (choice < 58 && procs.size() < 4) {
                String c = "c" + (++children);
                b.append(p).append(": fork ").append(c).append('\n');
                procs.add(c);
                maps.put(c, new ArrayList<>(ms));
            } else if (choice < 62 && procs.size() > 1) {
                b.append(p).append(": exit\n");
                procs.remove(p);
            } else if (choice < 64) {
                b.append(p).append(": munmap ").append(t).append('\n');
            } else if (choice < 76) {
                String[] adv = {"dontneed", "pageout", "pageout", "dontfork", "dofork", "wipeonfork", "keeponfork", "mergeable"};
                b.append(p).append(": madvise ").append(t).append(' ').append(adv[r.nextInt(adv.length)]).append('\n');
            } else if (choice < 82) {
                String[] prot = {"ro", "rw", "rw", "none"};
                b.append(p).append(": mprotect ").append(t).append(' ').append(prot[r.nextInt(prot.length)]).append('\n');
            } else if (choice < 87) {
                String q = pipes.isEmpty() || r.nextBoolean() ? "q" + pipes.size() : pipes.get(r.nextInt(pipes.size()));
                if (!pipes.contains(q)) pipes.add(q);
                b.append(p).append(": vmsplice ").append(m[0]).append("[").append(r.nextInt(pages)).append("] into ").append(q).append('\n');
                if (r.nextBoolean()) b.append(p).append(": read ").append(q).append('\n');
            } else if (choice < 91) {
                String h = "h" + handles.size();
                handles.add(h);
                b.append(p).append(": io_uring_register ").append(m[0]).append("[").append(r.nextInt(pages)).append("] as ").append(h).append('\n');
                if (r.nextBoolean()) b.append("dma ").append(h).append(" read\n");
            } else if (choice < 93 && !handles.isEmpty()) {
                b.append(p).append(": unpin ").append(handles.remove(r.nextInt(handles.size()))).append('\n');
            } else if (choice < 95 && hostCpus > 1) {
                b.append(p).append(": cpu ").append(r.nextInt(2)).append('\n');
            } else if (choice < 96) {
                b.append("lru_drain\n");
            } else if (choice < 97) {
                b.append(p).append(": clear_refs\n");
            } else if (choice < 99 && procs.size() > 1) {
                String q = procs.get(r.nextInt(procs.size()));
                List<String[]> qm = maps.get(q);
                if (!qm.isEmpty()) {
                    String[] x = qm.get(r.nextInt(qm.size()));
                    b.append(p).append(": poke ").append(q).append(' ').append(x[0]).append("[0] \"").append(tx).append("\"\n");
                }
            } else {
                b.append("ksmd 2\n");
            }
        }
        return head.append(b).toString();
    }

    /**
     * Drops lines the language rejects (one at a time, by the diagnostic's line) and cuts the program at
     * the model's first run-time error; null when nothing valid is left.
     */
    static String repair(String text) {
        for (int round = 0; round < 40; round++) {
            ScenarioLanguage.Checked c = ScenarioLanguage.check(text, Limits.DEFAULT);
            if (!c.ok()) {
                Diagnostic d = c.diagnostics().get(0);
                List<String> lines = new ArrayList<>(text.lines().toList());
                if (d.line() < 1 || d.line() > lines.size()) return null;
                lines.remove(d.line() - 1);
                text = String.join("\n", lines) + "\n";
                continue;
            }
            RunResult rr = Execution.run(c.scenario(), null);
            if (rr.error() != null) {
                List<String> lines = new ArrayList<>(text.lines().toList());
                text = String.join("\n", lines.subList(0, Math.max(0, rr.error().line() - 1))) + "\n";
                continue;
            }
            return text;
        }
        return null;
    }

    // ------------------------------------------------------------------ running and comparing

    private record Triple(HostRun first, List<Map<String, String>> stable, int unstable) {}

    /** Runs a program three times; the fields that agree in all three runs, per compared step. */
    private Triple three(Scenario s) throws IOException {
        ProbeScript script = ProbeScript.of(s, limits);
        List<HostRun> runs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Observations o = probe.run(script.text(), limits.wallTime());
            KernelVersion v = forced != null ? forced : HostRun.profileOf(o.hello().kernel());
            runs.add(HostRun.of(s, script, o, v));
        }
        List<Map<String, String>> stable = new ArrayList<>();
        int unstable = 0;
        int steps = runs.stream().mapToInt(h -> h.kernelFields().size()).min().orElse(0);
        for (int j = 0; j < steps; j++) {
            Map<String, String> a = runs.get(0).kernelFields().get(j), b = runs.get(1).kernelFields().get(j), c = runs.get(2).kernelFields().get(j);
            Map<String, String> st = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : a.entrySet()) {
                if (e.getValue().equals(b.get(e.getKey())) && e.getValue().equals(c.get(e.getKey()))) st.put(e.getKey(), e.getValue());
                else unstable++;
            }
            stable.add(st);
        }
        return new Triple(runs.get(0), stable, unstable);
    }

    private static List<Disagreement> disagreements(Triple t) {
        List<Disagreement> out = new ArrayList<>();
        HostRun r = t.first();
        List<HostRun.StepReport> compared = r.steps().stream().filter(s -> !s.kernelOutcome().equals("not run")).toList();
        List<Map<String, Fields.Batched>> batches = r.modelBatches();
        Map<Fields.Batched, Integer> since = Map.of();
        for (int j = 0; j < t.stable().size(); j++) {
            Map<String, String> k = t.stable().get(j), m = r.modelFields().get(j);
            Map<String, Fields.Batched> now = j < batches.size() ? batches.get(j) : Map.of();
            since = since(since, now, j);
            HostRun.StepReport st = j < compared.size() ? compared.get(j) : null;
            String op = st == null ? "?" : opName(st.source());
            for (Map.Entry<String, String> e : k.entrySet()) {
                if (e.getValue().equals(m.get(e.getKey()))) continue;
                boolean foreign = e.getKey().endsWith(" page lru") && "no".equals(m.get(e.getKey())) && e.getValue().equals("yes")
                        && explainedByForeignDrain(e.getKey().substring(0, e.getKey().length() - " page lru".length()), k, now, since);
                out.add(new Disagreement(st == null ? 0 : st.line(), op, e.getKey(), m.get(e.getKey()), e.getValue(), foreign));
            }
        }
        return out;
    }

    static String opName(String source) {
        String s = source.strip();
        int colon = s.indexOf(": ");
        if (colon > 0 && !s.startsWith("dma") && !s.startsWith("on ")) s = s.substring(colon + 2);
        String[] w = s.split(" ");
        if (w.length >= 3 && w[1].equals("=")) return w[2];
        if (w[0].equals("madvise") && w.length >= 3) return "madvise " + w[2];
        if (w[0].equals("mprotect") && w.length >= 3) return "mprotect " + w[2];
        return w[0];
    }

    /** The model's predictions at the end of a program, as expectation lines (what the kernel then judges). */
    private static String predictions(Scenario s, KernelVersion v, Observations.Hello hello) {
        Execution e = new Execution(s, HostRun.modelConfig(s, v, hello), false);
        e.runToEnd();
        Observer obs = e.machine().observe();
        StringBuilder b = new StringBuilder();
        for (String p : obs.processes()) {
            if (obs.processState(p) != io.cowscope.engine.ProcState.ALIVE) continue;
            ProbeScript script = ProbeScript.of(s, HostLimits.DEFAULT);
            for (ProbeScript.Slot sl : script.slots()) {
                if (script.slot(p, sl.var()) != sl.index()) continue;
                for (int i = 0; i < Math.min(sl.pages(), 4); i++) {
                    String where = p + "." + sl.var() + "[" + i + "]";
                    try {
                        Pagemap pm = obs.pagemap(p, sl.var(), i);
                        String c = obs.content(p, sl.var(), i);
                        if (c != null) b.append("expect ").append(where).append(" == ").append(Printer.quote(c)).append('\n');
                        if (pm != null) {
                            b.append("expect ").append(where).append(" pagemap ").append(pm.present() ? "present" : "!present").append(' ')
                                    .append(pm.exclusive() ? "exclusive" : "!exclusive").append('\n');
                        }
                    } catch (RuntimeException ignored) {
                        // a mapping the model does not know in this process
                    }
                }
            }
        }
        return b.toString();
    }

    ProgramResult evaluate(String text) throws IOException {
        Scenario s = ScenarioLanguage.check(text, Limits.DEFAULT).scenario();
        Triple t = three(s);
        int compared = 0, agreed = 0;
        List<Disagreement> ds = disagreements(t);
        for (int j = 0; j < t.stable().size(); j++) compared += t.stable().get(j).size();
        agreed = compared - ds.size();
        // expectations: the model's predictions judged on the first run's kernel
        KernelVersion v = t.first().version();
        String withExpect = text + predictions(s, v, t.first().kernel().hello());
        ScenarioLanguage.Checked c = ScenarioLanguage.check(withExpect, Limits.DEFAULT);
        int ex = 0, held = 0, unobs = 0;
        if (c.ok()) {
            HostRun r = HostRun.of(c.scenario(), ProbeScript.of(c.scenario(), limits), t.first().kernel(), v);
            for (HostRun.Expectation e : r.expectations()) {
                if (e.verdict() == HostRun.Verdict.PASS) { ex++; held++; }
                else if (e.verdict() == HostRun.Verdict.FAIL) ex++;
                else unobs++;
            }
        }
        int steps = (int) s.statements().stream().filter(x -> x.node() instanceof io.cowscope.scenario.Statement.Operation).count();
        return new ProgramResult(text, steps, compared, agreed, t.unstable(), ex, held, unobs, ds);
    }

    // ------------------------------------------------------------------ delta debugging

    /** The smallest program (by ddmin over its operation lines) that still shows a stable disagreement of {@code kind}. */
    String minimize(String text, String kind, int budget) throws IOException {
        List<String> header = new ArrayList<>(), ops = new ArrayList<>();
        for (String l : text.lines().toList()) {
            if (l.startsWith("file ") || l.startsWith("process ") || l.startsWith("cpus ") || l.startsWith("mthp ")) header.add(l);
            else if (!l.isBlank()) ops.add(l);
        }
        int[] tests = {0};
        List<String> best = ops;
        int n = 2;
        while (best.size() >= 2 && tests[0] < budget) {
            int chunk = (int) Math.ceil(best.size() / (double) n);
            boolean reduced = false;
            for (int start = 0; start < best.size() && tests[0] < budget; start += chunk) {
                List<String> complement = new ArrayList<>(best.subList(0, start));
                complement.addAll(best.subList(Math.min(best.size(), start + chunk), best.size()));
                if (complement.isEmpty()) continue;
                tests[0]++;
                if (stillDisagrees(header, complement, kind)) {
                    best = complement;
                    n = Math.max(n - 1, 2);
                    reduced = true;
                    break;
                }
            }
            if (!reduced) {
                if (n >= best.size()) break;
                n = Math.min(best.size(), n * 2);
            }
        }
        return String.join("\n", header) + "\n" + String.join("\n", best) + "\n";
    }

    private boolean stillDisagrees(List<String> header, List<String> ops, String kind) throws IOException {
        String text = String.join("\n", header) + "\n" + String.join("\n", ops) + "\n";
        ScenarioLanguage.Checked c = ScenarioLanguage.check(text, Limits.DEFAULT);
        if (!c.ok() || Execution.run(c.scenario(), null).error() != null) return false;
        try {
            for (Disagreement d : disagreements(three(c.scenario()))) if (d.kind().equals(kind)) return true;
        } catch (HostLimitException e) {
            return false;
        }
        return false;
    }

    /** The reproducer: the minimal program up to the disagreeing step, then the kernel's observation as expectations. */
    String reproducer(String minimal, String kind, int number) throws IOException {
        Scenario s = ScenarioLanguage.check(minimal, Limits.DEFAULT).scenario();
        Triple t = three(s);
        Disagreement d = null;
        for (Disagreement x : disagreements(t)) if (x.kind().equals(kind)) { d = x; break; }
        StringBuilder b = new StringBuilder();
        b.append("# cowscope host --random: disagreement ").append(number).append(" (").append(kind).append(")\n");
        b.append("# on Linux ").append(t.first().kernel().hello().kernel()).append(", model ").append(t.first().version()).append('\n');
        if (d == null) return b.append("# (the disagreement did not reproduce on the last check)\n").append(minimal).toString();
        b.append("# after line ").append(d.stepLine()).append(": ").append(d.field()).append(": model ").append(d.model())
                .append(", kernel ").append(d.kernel()).append(" (the same in three runs)\n");
        b.append("title \"host disagreement: ").append(kind.replace("\"", "'")).append("\"\n");
        List<String> lines = minimal.lines().toList();
        int cut = Math.min(lines.size(), d.stepLine());
        for (int i = 0; i < cut; i++) b.append(lines.get(i)).append('\n');
        String e = expectation(d);
        b.append(e != null ? e : "# (this field has no expectation form; see the comment above)\n");
        return b.toString();
    }

    /** The kernel's value of a field as an expectation line, or null when the language cannot say it. */
    static String expectation(Disagreement d) {
        String f = d.field(), k = d.kernel();
        int sp = f.indexOf("] ");
        if (sp > 0) {
            String page = f.substring(0, sp + 1), what = f.substring(sp + 2);
            boolean yes = k.equals("yes");
            switch (what) {
                case "present": return "expect " + page + " pagemap " + (yes ? "present" : "!present") + "\n";
                case "swapped": return "expect " + page + " pagemap " + (yes ? "swapped" : "!swapped") + "\n";
                case "pagemap exclusive": return "expect " + page + " pagemap " + (yes ? "exclusive" : "!exclusive") + "\n";
                case "pagemap file": return "expect " + page + " pagemap " + (yes ? "file" : "!file") + "\n";
                case "pagemap soft_dirty": return "expect " + page + " pagemap " + (yes ? "soft_dirty" : "!soft_dirty") + "\n";
                case "pagemap uffd_wp": return "expect " + page + " pagemap " + (yes ? "uffd_wp" : "!uffd_wp") + "\n";
                case "content": return "expect " + page + " == " + k + "\n";
                case "mapcount": return "expect " + page + " page mapcount == " + k + "\n";
                case "page anon": case "page ksm": case "page thp": case "page hugetlb": case "page swapcache": case "page lru":
                    return "expect " + page + " page " + (yes ? "" : "!") + what.substring(5) + "\n";
                case "frame":
                    if (k.equals("the zero page")) return "expect " + page + " zero\n";
                    if (k.startsWith("same frame as ") || k.startsWith("same swap entry as ")) {
                        return "expect " + page + " shares " + k.substring(k.lastIndexOf(" as ") + 4) + "\n";
                    }
                    if (d.model() != null && d.model().startsWith("same ")) {
                        return "expect " + page + " !shares " + d.model().substring(d.model().lastIndexOf(" as ") + 4) + "\n";
                    }
                    return null;
                case "frame changed":
                    return "# kernel: the frame " + (yes ? "changed" : "did not change") + " at this step\n" + (d.op().equals("write")
                            ? "expect last " + (yes ? "cow" : "!cow") + "\n" : "");
                default: return null;
            }
        }
        if (f.equals("step faults")) return "expect last " + (k.equals("0") ? "!fault" : "fault") + "   # kernel: " + k + " faults\n";
        if (f.equals("step value")) return k.contains("|") ? null : "expect last == " + Printer.quote(k) + "\n";
        if (f.endsWith(" state")) return "expect " + f.substring(0, f.length() - 6) + " " + k + "\n";
        if (f.startsWith("pipe ")) return k.contains("|") ? null : "expect " + f.substring(5) + " == " + Printer.quote(k) + "\n";
        return null;
    }

    // ------------------------------------------------------------------ the command

    /** Runs the command; 0 when model and kernel agreed on every stable observation, 1 otherwise. */
    public static int command(int n, long seed, Path emit, KernelVersion forced, Probe probe, PrintStream out, PrintStream err) throws IOException {
        return command(n, seed, emit, forced, probe, out, err, false);
    }

    /** {@code mthp}: one program in three enables anonymous mTHP sizes (see {@link #mthp}) */
    public static int command(int n, long seed, Path emit, KernelVersion forced, Probe probe, PrintStream out, PrintStream err, boolean mthp) throws IOException {
        RandomPrograms rp = new RandomPrograms(probe, forced);
        rp.mthp = mthp;
        rp.hostCpus = Math.max(1, Runtime.getRuntime().availableProcessors());
        long t0 = System.nanoTime();
        Random seeds = new Random(seed);
        int programs = 0, agreeing = 0, agreeingNoLru = 0, agreeingForeign = 0, steps = 0, lruDiffs = 0, lruForeign = 0, lruForeignPrograms = 0;
        long compared = 0, agreed = 0, unstable = 0, ex = 0, held = 0, unobs = 0;
        Map<String, Integer> classes = new TreeMap<>();
        Map<String, String> firstOfClass = new LinkedHashMap<>();
        String kernel = null;
        // COWSCOPE_HOST_DUMP=FILE: every program and its disagreements, for studying a class by hand
        String dumpTo = System.getenv("COWSCOPE_HOST_DUMP");
        StringBuilder dump = dumpTo == null || dumpTo.isBlank() ? null : new StringBuilder();
        for (int i = 0; i < n; i++) {
            String text = rp.generate(new Random(seeds.nextLong()));
            ProgramResult pr;
            try {
                pr = rp.evaluate(text);
            } catch (HostLimitException e) {
                err.println("program " + (i + 1) + ": " + e.getMessage());
                continue;
            }
            programs++;
            steps += pr.steps();
            compared += pr.compared();
            agreed += pr.agreed();
            unstable += pr.unstable();
            ex += pr.expectations();
            held += pr.expectationsHeld();
            unobs += pr.unobservable();
            if (dump != null && !pr.disagreements().isEmpty()) {
                dump.append("=== program ").append(i + 1).append('\n').append(text);
                for (Disagreement d : pr.disagreements())
                    dump.append("  line ").append(d.stepLine()).append(" (").append(d.op()).append(") ").append(d.field()).append(": model ")
                            .append(d.model()).append(", kernel ").append(d.kernel()).append(d.foreignDrain() ? " [foreign drain]" : "").append('\n');
            }
            if (pr.disagreements().isEmpty()) agreeing++;
            if (pr.disagreements().stream().allMatch(d -> d.field().endsWith(" page lru"))) agreeingNoLru++;
            if (pr.disagreements().stream().allMatch(Disagreement::foreignDrain)) agreeingForeign++;
            long lf = pr.disagreements().stream().filter(Disagreement::foreignDrain).count();
            lruDiffs += (int) pr.disagreements().stream().filter(d -> d.field().endsWith(" page lru")).count();
            lruForeign += (int) lf;
            if (lf > 0) lruForeignPrograms++;
            Set<String> kinds = new HashSet<>();
            for (Disagreement d : pr.disagreements()) kinds.add(d.kind());
            for (String k : kinds) {
                classes.merge(k, 1, Integer::sum);
                firstOfClass.putIfAbsent(k, text);
            }
            if ((i + 1) % 50 == 0) {
                err.printf("  … %d programs (%.0f s): %d agree (%d but page lru); expectations %d / %d; observations %d / %d, %d unstable%n", i + 1,
                        (System.nanoTime() - t0) / 1e9, agreeing, agreeingNoLru, held, ex, agreed, compared, unstable);
            }
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        if (dump != null) Files.writeString(Path.of(dumpTo), dump, StandardCharsets.UTF_8);
        KernelVersion shownModel = forced;
        if (kernel == null) {
            Observations o = probe.run("probe 1\nprocs 0\nswap off\n", java.time.Duration.ofSeconds(10));
            kernel = o.hello().kernel();
            if (shownModel == null) shownModel = HostRun.profileOf(kernel);
        }
        out.printf("host --random %d --seed %d on Linux %s (model %s): %d programs, %d steps, %.1f s%n", n, seed, kernel, shownModel, programs, steps, secs);
        out.printf("  programs:     %d / %d agree on every stable observation (%.1f%%)%n", agreeing, programs, pct(agreeing, programs));
        out.printf("  programs:     %d / %d agree on every stable observation but page lru (%.1f%%; the LRU-add batch is shared with every process on the CPU)%n",
                agreeingNoLru, programs, pct(agreeingNoLru, programs));
        out.printf("  programs:     %d / %d agree on every stable observation but page lru differences that a drain of the CPU's whole LRU-add batch from outside the scenario explains (%.1f%%)%n",
                agreeingForeign, programs, pct(agreeingForeign, programs));
        out.printf("  page lru:     %d stable differences; %d of them (in %d programs) are such a foreign drain: the kernel shows every page that waited in the model's batch on the LRU; %d are not%n",
                lruDiffs, lruForeign, lruForeignPrograms, lruDiffs - lruForeign);
        out.printf("  expectations: %d / %d observable model predictions hold on the kernel (%.1f%%); %d unobservable%n", held, ex, pct(held, ex), unobs);
        out.printf("  observations: %d / %d stable observations agree (%.2f%%); %d unstable (differed between the three runs)%n", agreed, compared,
                pct(agreed, compared), unstable);
        if (!classes.isEmpty()) {
            out.println("  disagreement classes (field after operation: programs):");
            classes.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue())
                    .forEach(e -> out.printf("    %-48s %d%n", e.getKey(), e.getValue()));
        }
        if (emit != null && !classes.isEmpty()) {
            // one reproducer per field kind (the first class of that kind met), delta-debugged with a bounded budget
            Files.createDirectories(emit);
            Map<String, Map.Entry<String, String>> byField = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : firstOfClass.entrySet()) {
                byField.putIfAbsent(e.getKey().substring(0, e.getKey().indexOf(" after ")), e);
            }
            int k = 0;
            for (Map.Entry<String, String> e : byField.values()) {
                k++;
                String minimal = rp.minimize(e.getValue(), e.getKey(), 16);
                Path f = emit.resolve(String.format("host-%03d-%s.cow", k, e.getKey().replaceAll("[^A-Za-z0-9]+", "-")));
                Files.writeString(f, rp.reproducer(minimal, e.getKey(), k), StandardCharsets.UTF_8);
                out.println("  wrote " + f);
            }
        }
        return classes.isEmpty() ? 0 : 1;
    }

    private static double pct(long a, long b) {
        return b == 0 ? 100.0 : 100.0 * a / b;
    }
}
