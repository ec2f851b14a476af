package io.cowscope.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.cowscope.engine.KernelVersion;
import io.cowscope.host.HostLimitException;
import io.cowscope.host.HostLimits;
import io.cowscope.host.HostRun;
import io.cowscope.host.Observations;
import io.cowscope.host.Probe;
import io.cowscope.host.RandomPrograms;
import io.cowscope.scenario.Diagnostic;
import io.cowscope.scenario.Json;
import io.cowscope.scenario.Limits;
import io.cowscope.scenario.Scenario;
import io.cowscope.scenario.ScenarioLanguage;

/** {@code cowscope host}: runs scenarios on this machine's kernel and compares the model with it (docs/host.md). */
final class HostCommand {
    private HostCommand() {
    }

    static final String HELP = String.join("\n",
            "usage: cowscope host FILE... [--format text|tap|json] [--kernel V]",
            "       cowscope host --random N --seed S [--emit DIR] [--kernel V] [--mthp]",
            "",
            "Runs each scenario's operations on this machine's own Linux kernel with the native probe",
            "(forked processes, real mappings, /proc/PID/pagemap, /proc/kpagecount, /proc/kpageflags after",
            "every step), judges the scenario's expectations against what the kernel showed, and shows",
            "where the model differs from the kernel. Root sees frame numbers and page flags; without it",
            "those checks are unobservable. Operations the probe cannot perform are skipped by name.",
            "",
            "  --kernel V        the model's version (default: this kernel's release mapped to the nearest",
            "                    supported version, e.g. 6.18.44 -> 6.18)",
            "  --format text     each step with the kernel's outcome and every field where the model differs,",
            "                    then the expectations (default)",
            "  --format tap      one line per expectation; unobservable ones are 'ok ... # SKIP unobservable'",
            "  --format json     the full result",
            "  --random N        generate N random programs, run each three times on the kernel (only",
            "                    observations that agree in all three count) and once on the model, and print",
            "                    the agreement (programs, expectations, observations)",
            "  --seed S          the random programs' seed (default 1)",
            "  --mthp            one random program in three also enables anonymous mTHP sizes (mthp 16K /",
            "                    32K always) and maps up to 8 pages (root, a 6.8+ kernel)",
            "  --emit DIR        write each disagreement as a minimal .cow reproducer (delta-debugged) whose",
            "                    expectations are the kernel's observations",
            "",
            "Limits: " + HostLimits.DEFAULT.pages() + " pages mapped, " + HostLimits.DEFAULT.pagesPerMapping() + " pages per mapping, "
                    + HostLimits.DEFAULT.processes() + " processes, " + HostLimits.DEFAULT.steps() + " steps, "
                    + HostLimits.DEFAULT.wallTime().toSeconds() + " s per native run.",
            "",
            "Exit status: 0 every observable expectation held on the kernel, 1 one failed (or, with --random,",
            "a disagreement was found), 2 errors.",
            "",
            "examples:",
            "  sudo cowscope host src/main/resources/scenarios/basic-cow-after-fork.cow",
            "  sudo cowscope host scenarios/*.cow --format tap",
            "  sudo cowscope host --random 200 --seed 1 --emit repro",
            "");

    static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        List<String> files = new ArrayList<>();
        String format = "text", kernel = null, emit = null;
        Integer random = null;
        long seed = 1;
        boolean mthp = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i], value = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                value = a.substring(eq + 1);
                a = a.substring(0, eq);
            }
            switch (a) {
                case "-h": case "--help": out.print(HELP); return ScenarioCommands.OK;
                case "--mthp": mthp = true; break;
                case "--format": case "--kernel": case "--random": case "--seed": case "--emit":
                    if (value == null) {
                        if (i + 1 >= args.length) return usage(err, a + " needs a value");
                        value = args[++i];
                    }
                    try {
                        switch (a) {
                            case "--format":
                                if (!List.of("text", "tap", "json").contains(value)) return usage(err, "unknown format '" + value + "'; formats: text, tap, json");
                                format = value;
                                break;
                            case "--kernel": kernel = value; break;
                            case "--random":
                                random = Integer.parseInt(value);
                                if (random < 1 || random > 100_000) return usage(err, "--random takes 1 to 100000 programs");
                                break;
                            case "--seed": seed = Long.parseLong(value); break;
                            default: emit = value;
                        }
                    } catch (NumberFormatException e) {
                        return usage(err, a + " needs a number, not '" + value + "'");
                    }
                    break;
                default:
                    if (a.startsWith("-") && !a.equals("-")) return usage(err, "unknown option '" + a + "'");
                    files.add(args[i]);
            }
        }
        if (random == null && files.isEmpty()) return usage(err, "no FILE given (or --random N)");
        if (random != null && !files.isEmpty()) return usage(err, "give FILEs or --random, not both");
        if (mthp && random == null) return usage(err, "--mthp applies to --random only");
        KernelVersion forced = null;
        if (kernel != null) {
            Optional<KernelVersion> k = KernelVersion.parse(kernel);
            if (k.isEmpty()) return usage(err, "unsupported kernel version '" + kernel + "': supported are 4.8-4.20, 5.0-5.19, 6.0-6.18 and latest");
            forced = k.get();
        }
        Probe probe;
        try {
            probe = Probe.locate();
        } catch (IOException e) {
            err.println("cowscope host: " + e.getMessage());
            return ScenarioCommands.ERROR;
        }
        if (random != null) {
            try {
                return RandomPrograms.command(random, seed, emit == null ? null : Path.of(emit), forced, probe, out, err, mthp);
            } catch (IOException e) {
                err.println("cowscope host: " + e.getMessage());
                return ScenarioCommands.ERROR;
            }
        }
        Report report = format.equals("tap") ? new Tap(out) : format.equals("json") ? new JsonReport(out) : new Text(out);
        int status = ScenarioCommands.OK;
        for (String name : files) {
            SourceFile f = ScenarioCommands.read(name, in, err, "host");
            if (f == null) {
                report.error(name, "cannot read");
                status = ScenarioCommands.ERROR;
                continue;
            }
            ScenarioLanguage.Checked c = f.check(Limits.DEFAULT);
            if (!c.ok()) {
                for (Diagnostic d : c.diagnostics()) err.print(f.render(d));
                report.error(name, c.diagnostics().size() + " error(s) in the scenario");
                status = ScenarioCommands.ERROR;
                continue;
            }
            Scenario s = c.scenario();
            HostRun r;
            try {
                r = HostRun.run(s, forced != null ? forced : null, probe, HostLimits.DEFAULT);
            } catch (HostLimitException e) {
                report.error(name, e.getMessage());
                status = ScenarioCommands.ERROR;
                continue;
            } catch (IOException | RuntimeException e) {
                report.error(name, "native run failed: " + e.getMessage());
                status = ScenarioCommands.ERROR;
                continue;
            }
            report.run(f.name(), s, r);
            if (r.tally().get(HostRun.Verdict.FAIL) > 0 && status == ScenarioCommands.OK) status = ScenarioCommands.FAILED;
        }
        report.finish();
        return status;
    }

    private static int usage(PrintStream err, String problem) {
        err.println("cowscope host: " + problem);
        err.print(HELP);
        return ScenarioCommands.ERROR;
    }

    static String machine(Observations.Hello h) {
        String priv = h.root() && h.pfns() ? "root (frame numbers, /proc/kpagecount, /proc/kpageflags)"
                : "unprivileged: pagemap hides frame numbers (so 'shares', frames and fork_copy) and /proc/kpagecount and "
                        + "/proc/kpageflags are unreadable (mapcount, page flags): those checks are unobservable";
        String swap = switch (h.swap()) {
            case "on" -> "a temporary swapfile";
            case "off" -> "off";
            case "host" -> "off in the scenario, but this host has swap";
            default -> h.swap().replace("unavailable:", "unavailable (") + ")";
        };
        return "privileges: " + priv + "\n   swap: " + swap + "; soft-dirty: " + (h.softDirty() ? "built in" : "not built in (bit 55 is always 0)")
                + "; THP: " + h.thp() + "; " + h.cpus() + " CPUs, processes pinned to CPU 0 unless moved";
    }

    private interface Report {
        void error(String file, String message);

        void run(String file, Scenario s, HostRun r);

        void finish();
    }

    private static final class Text implements Report {
        private final PrintStream out;
        private final Map<HostRun.Verdict, Integer> total = new LinkedHashMap<>();
        private int errors;

        Text(PrintStream out) {
            this.out = out;
        }

        public void error(String file, String message) {
            out.println(file + ": " + message);
            errors++;
        }

        public void run(String file, Scenario s, HostRun r) {
            Observations.Hello h = r.kernel().hello();
            out.println("== " + file + " on this machine (Linux " + h.kernel() + "; model " + r.version() + ")"
                    + (s.header().title() != null ? " — " + s.header().title() : ""));
            out.println("   " + machine(h));
            boolean stopped = false;
            for (HostRun.StepReport st : r.steps()) {
                StringBuilder sb = new StringBuilder(String.format("%5d  %s", st.line(), st.source()));
                if (st.skipped() != null) sb.append("   [skipped: ").append(st.skipped()).append(']');
                else {
                    sb.append("   [kernel: ").append(st.kernelOutcome());
                    if (st.kernelFaults() != null) sb.append(", ").append(st.kernelFaults()).append(st.kernelFaults() == 1 ? " fault" : " faults");
                    if (!st.kernelValues().isEmpty()) sb.append(", read ").append(io.cowscope.scenario.Printer.quote(String.join("|", st.kernelValues())));
                    sb.append(']');
                }
                out.println(sb);
                if (st.skipped() != null && !stopped) {
                    out.println("         (model and kernel are not compared from here on)");
                    stopped = true;
                }
                for (HostRun.Difference d : st.differences()) {
                    out.println("         differs: " + d.field() + ": model " + (d.model() == null ? "(nothing)" : d.model()) + ", kernel " + d.kernel());
                }
            }
            if (r.modelError() != null) out.println("   the model stopped: " + r.modelError());
            out.println();
            for (HostRun.Expectation e : r.expectations()) {
                total.merge(e.verdict(), 1, Integer::sum);
                String model = "  (model: " + e.model().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + ")";
                switch (e.verdict()) {
                    case PASS: out.println("  ok    " + file + ":" + e.line() + "  " + e.source() + model); break;
                    case FAIL:
                        out.println("  FAIL  " + file + ":" + e.line() + "  " + e.source() + model);
                        out.println("        kernel: " + e.detail());
                        break;
                    case UNOBSERVABLE: out.println("  skip  " + file + ":" + e.line() + "  " + e.source() + "   (unobservable: " + e.detail() + ")"); break;
                    case SKIPPED_RANGE: out.println("  skip  " + file + ":" + e.line() + "  " + e.source() + "   (" + e.detail() + ")"); break;
                    default: out.println("  skip  " + file + ":" + e.line() + "  " + e.source() + "   (" + e.detail() + ")");
                }
            }
            Map<HostRun.Verdict, Integer> t = r.tally();
            out.println("  " + t.get(HostRun.Verdict.PASS) + " passed, " + t.get(HostRun.Verdict.FAIL) + " failed, "
                    + t.get(HostRun.Verdict.UNOBSERVABLE) + " unobservable, " + (t.get(HostRun.Verdict.SKIPPED_RANGE) + t.get(HostRun.Verdict.NOT_NATIVE))
                    + " skipped; " + r.differences().size() + " differences between model and kernel");
            out.println();
        }

        public void finish() {
            out.println(total.getOrDefault(HostRun.Verdict.PASS, 0) + " passed, " + total.getOrDefault(HostRun.Verdict.FAIL, 0) + " failed, "
                    + total.getOrDefault(HostRun.Verdict.UNOBSERVABLE, 0) + " unobservable, "
                    + (total.getOrDefault(HostRun.Verdict.SKIPPED_RANGE, 0) + total.getOrDefault(HostRun.Verdict.NOT_NATIVE, 0)) + " skipped"
                    + (errors > 0 ? "; " + errors + " error" + (errors == 1 ? "" : "s") : ""));
        }
    }

    private static final class Tap implements Report {
        private final PrintStream out;
        private int n, passed, failed, skipped;

        Tap(PrintStream out) {
            this.out = out;
            out.println("TAP version 14");
        }

        public void error(String file, String message) {
            out.println("not ok " + (++n) + " - " + file + ": " + message);
            failed++;
        }

        public void run(String file, Scenario s, HostRun r) {
            String k = "[host " + r.kernel().hello().kernel() + "]";
            for (HostRun.Expectation e : r.expectations()) {
                String head = file + ":" + e.line() + " " + k + " " + e.source();
                switch (e.verdict()) {
                    case PASS: out.println("ok " + (++n) + " - " + head); passed++; break;
                    case FAIL: out.println("not ok " + (++n) + " - " + head + " — " + e.detail()); failed++; break;
                    case UNOBSERVABLE: out.println("ok " + (++n) + " - " + head + " # SKIP unobservable: " + e.detail()); skipped++; break;
                    case SKIPPED_RANGE: out.println("ok " + (++n) + " - " + head + " # SKIP " + e.detail()); skipped++; break;
                    default: out.println("ok " + (++n) + " - " + head + " # SKIP " + e.detail()); skipped++;
                }
            }
        }

        public void finish() {
            out.println("1.." + n);
            out.println(passed + " passed, " + failed + " failed" + (skipped > 0 ? ", " + skipped + " skipped" : ""));
        }
    }

    private static final class JsonReport implements Report {
        private final PrintStream out;
        private final List<Object> files = new ArrayList<>();

        JsonReport(PrintStream out) {
            this.out = out;
        }

        public void error(String file, String message) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("file", file);
            m.put("error", message);
            files.add(m);
        }

        public void run(String file, Scenario s, HostRun r) {
            Observations.Hello h = r.kernel().hello();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("file", file);
            m.put("title", s.header().title());
            Map<String, Object> host = new LinkedHashMap<>();
            host.put("kernel", h.kernel());
            host.put("root", h.root());
            host.put("pfns", h.pfns());
            host.put("kpage", h.kpage());
            host.put("swap", h.swap());
            host.put("softDirty", h.softDirty());
            host.put("thp", h.thp());
            host.put("cpus", h.cpus());
            m.put("host", host);
            m.put("model", r.version().toString());
            List<Object> steps = new ArrayList<>();
            for (HostRun.StepReport st : r.steps()) {
                Map<String, Object> sm = new LinkedHashMap<>();
                sm.put("line", st.line());
                sm.put("source", st.source());
                sm.put("kernel", st.kernelOutcome());
                sm.put("faults", st.kernelFaults());
                sm.put("values", st.kernelValues());
                sm.put("skipped", st.skipped());
                List<Object> ds = new ArrayList<>();
                for (HostRun.Difference d : st.differences()) {
                    Map<String, Object> dm = new LinkedHashMap<>();
                    dm.put("field", d.field());
                    dm.put("model", d.model());
                    dm.put("kernel", d.kernel());
                    ds.add(dm);
                }
                sm.put("differences", ds);
                steps.add(sm);
            }
            m.put("steps", steps);
            List<Object> ex = new ArrayList<>();
            for (HostRun.Expectation e : r.expectations()) {
                Map<String, Object> em = new LinkedHashMap<>();
                em.put("line", e.line());
                em.put("source", e.source());
                em.put("verdict", e.verdict().name().toLowerCase(java.util.Locale.ROOT));
                em.put("detail", e.detail());
                em.put("model", e.model().name().toLowerCase(java.util.Locale.ROOT));
                ex.add(em);
            }
            m.put("expectations", ex);
            files.add(m);
        }

        public void finish() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("files", files);
            out.println(Json.pretty(m));
        }
    }
}
