package io.cowscope.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.cowscope.engine.Event;
import io.cowscope.engine.Hazard;
import io.cowscope.engine.KernelVersion;
import io.cowscope.engine.Machine;
import io.cowscope.engine.Step;
import io.cowscope.scenario.Diagnostic;
import io.cowscope.scenario.Execution;
import io.cowscope.scenario.Json;
import io.cowscope.scenario.JsonTree;
import io.cowscope.scenario.Limits;
import io.cowscope.scenario.RunResult;
import io.cowscope.scenario.RunResult.CheckResult;
import io.cowscope.scenario.RunResult.ExpectResult;
import io.cowscope.scenario.RunResult.Outcome;
import io.cowscope.scenario.RunResult.StepResult;
import io.cowscope.scenario.Scenario;
import io.cowscope.scenario.ScenarioLanguage;

/** {@code cowscope run}: runs scenarios and reports every expectation (text, TAP or JSON). */
final class RunCommand {
    private RunCommand() {
    }

    static final String HELP = String.join("\n",
            "usage: cowscope run FILE... [--kernel V | --kernels all | --kernels V1,V2,...]",
            "                            [--format text|tap|json] [--steps] [--quiet]",
            "",
            "Runs scenarios on the simulated kernel and checks their expectations. An expectation",
            "outside its version range is skipped, not failed. FILE may be '-' for standard input,",
            "or gallery:ID for a scenario of the gallery ('cowscope gallery' lists them).",
            "",
            "  --kernel V        run under version V instead of the file's kernel line (latest if none)",
            "  --kernels all     run under every mainline release 4.8 ... 6.18",
            "  --kernels A,B,... run under each listed version",
            "  --format text     each step with its events and the rules that decided, then the",
            "                    expectations (default; steps are shown for a single kernel, or with --steps)",
            "  --format tap      one 'ok N - FILE:LINE ...' or 'not ok N - FILE:LINE ... expected X, got Y'",
            "                    per expectation and kernel, closing with 'N passed, M failed'",
            "  --format json     the full machine-readable result",
            "  --quiet           text: only failures and the totals (batch runs of many or big scenarios)",
            "",
            "Text output numbers the steps as the page does (step 0 = the process declarations at",
            "the top, then 1, 2, ... one per operation) and shows the source line beside it; hazards",
            "name steps by that number. Each run is labelled with the kernel version and its era:",
            Wrap.indented(Eras.LEGEND + ".", 86, "  "),
            "",
            "Exit status: 0 every expectation passed, 1 an expectation failed, 2 errors in a",
            "scenario, at run time, or in the command line.",
            "",
            "examples:",
            "  cowscope run gallery:dirty-cow",
            "  cowscope run vmsplice.cow --kernel 5.7",
            "  cowscope run vmsplice.cow --kernels 5.7,5.8,6.18 --format tap",
            "  cowscope run *.cow --kernels all --quiet",
            "  cowscope run big.cow --format json > result.json",
            "");

    static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        Options o = Options.parse(args, true, List.of("text", "tap", "json"));
        if (o.help) {
            out.print(HELP);
            return ScenarioCommands.OK;
        }
        if (o.problem != null || o.files.isEmpty()) {
            err.println("cowscope run: " + (o.problem != null ? o.problem : "no FILE given"));
            err.print(HELP);
            return ScenarioCommands.ERROR;
        }
        Report report = o.format.equals("tap") ? new Tap(out) : o.format.equals("json") ? new JsonReport(out) : new Text(out, o);
        int status = ScenarioCommands.OK;
        for (String name : o.files) {
            SourceFile f = ScenarioCommands.read(name, in, err, "run");
            if (f == null) {
                report.unreadable(name);
                status = ScenarioCommands.ERROR;
                continue;
            }
            ScenarioLanguage.Checked c = f.check(Limits.DEFAULT);
            if (!c.ok()) {
                report.diagnostics(f, c.diagnostics());
                status = ScenarioCommands.ERROR;
                continue;
            }
            Scenario s = c.scenario();
            List<KernelVersion> kernels = o.kernels != null ? o.kernels : List.of(s.header().kernelVersion());
            boolean keepSteps = !o.format.equals("tap") && !(o.format.equals("text") && (o.quiet || (kernels.size() > 1 && !o.steps)));
            for (KernelVersion v : kernels) {
                long t0 = System.nanoTime();
                // only what is printed: the steps' events when steps are shown, else counts; never a delta
                RunResult r = new Execution(s, v, keepSteps).detail(keepSteps ? Machine.Detail.NO_DELTA : Machine.Detail.COUNTS).runToEnd();
                long ms = (System.nanoTime() - t0) / 1_000_000;
                report.run(f, s, r, kernels.size(), ms);
                if (r.error() != null) status = ScenarioCommands.ERROR;
                else if (r.failed() > 0 && status == ScenarioCommands.OK) status = ScenarioCommands.FAILED;
            }
        }
        report.finish();
        return status;
    }

    // ---------------------------------------------------------------- reports

    private interface Report {
        void unreadable(String name);

        void diagnostics(SourceFile f, List<Diagnostic> ds);

        void run(SourceFile f, Scenario s, RunResult r, int kernels, long ms);

        void finish();
    }

    static String failure(ExpectResult e) {
        if (e.outcome() == Outcome.NOT_RUN) return "not run: the run stopped before it";
        CheckResult c = e.firstFailure();
        if (c == null) return "";
        boolean whereSaid = c.where() == null || c.actual().contains(c.where());
        return (whereSaid ? "" : c.where() + ": ") + "expected " + c.expected() + ", got " + c.actual();
    }

    /** Human-readable: the steps (events, rules, values, warnings), then the expectations. */
    private static final class Text implements Report {
        private final PrintStream out;
        private final Options o;
        /** more than one run (files or kernels): each run gets its own totals line before the overall one */
        private final boolean several;
        private final java.util.Set<String> erasExplained = new java.util.HashSet<>();
        private boolean stepsExplained;
        private long passed, failed, skipped, notRun, errors, runs, lastMs;

        Text(PrintStream out, Options o) {
            this.out = out;
            this.o = o;
            this.several = o.files.size() > 1 || (o.kernels != null && o.kernels.size() > 1);
        }

        public void unreadable(String name) {
            errors++;
        }

        public void diagnostics(SourceFile f, List<Diagnostic> ds) {
            for (Diagnostic d : ds) out.print(f.render(d));
            out.println(f.name() + ": " + ds.size() + " error" + (ds.size() == 1 ? "" : "s") + "; not run");
            errors++;
        }

        public void run(SourceFile f, Scenario s, RunResult r, int kernels, long ms) {
            runs++;
            lastMs = ms;
            String title = s.header().title() != null ? " — " + s.header().title() : "";
            String era = Eras.of(r.kernel());
            if (!o.quiet) {
                out.println("== " + f.name() + " on Linux " + r.kernel() + " (" + era + ")" + title);
                if (erasExplained.add(era)) {
                    Eras.Era e = Eras.era(r.kernel());
                    out.println(Wrap.indented("era " + e.id() + " = Linux " + e.range() + ": " + e.meaning() + " (all eras and rules: cowscope rules)", 96, "   "));
                }
            }
            if (!r.steps().isEmpty()) {
                if (!stepsExplained) {
                    stepsExplained = true;
                    out.println("   step  line  statement   (step: numbered as on the page, 0 = the process declarations;");
                    out.println("                            hazard texts use these numbers; line: in the file)");
                }
                int declarations = declarations(r.steps());
                for (StepResult st : r.steps()) step(st, declarations);
                out.println();
            }
            if (r.error() != null) {
                out.println(f.name() + ":" + r.error().line() + ":" + r.error().column() + ": run-time error on " + r.kernel() + ": " + r.error().message());
                out.println("    " + r.error().source());
                errors++;
            }
            for (ExpectResult e : r.expectations()) {
                switch (e.outcome()) {
                    case PASS:
                        passed++;
                        if (!o.quiet) out.println("  ok    " + f.name() + ":" + e.line() + "  " + e.source());
                        break;
                    case SKIPPED:
                        skipped++;
                        if (!o.quiet) out.println("  skip  " + f.name() + ":" + e.line() + "  " + e.source() + "   (not in " + e.range() + ")");
                        break;
                    case NOT_RUN:
                        notRun++;
                        out.println("  --    " + f.name() + ":" + e.line() + (o.quiet ? " [" + r.kernel() + "]" : "") + "  " + e.source()
                                + "   (not run: the run stopped at line " + (r.error() == null ? "?" : r.error().line()) + ")");
                        break;
                    default:
                        failed++;
                        out.println("  FAIL  " + f.name() + ":" + e.line() + (o.quiet ? " [" + r.kernel() + "]" : "") + "  " + e.source());
                        out.println("        " + failure(e));
                }
            }
            if (!o.quiet && several) {
                long nr = r.expectations().stream().filter(e -> e.outcome() == Outcome.NOT_RUN).count();
                out.println("  " + r.passed() + " passed, " + r.failed() + " failed, " + r.skipped() + " skipped"
                        + (nr > 0 ? ", " + nr + " not run" : "") + " (" + ms + " ms)");
            }
            if (!o.quiet) out.println();
        }

        private void step(StepResult st, int declarations) {
            if (st.caption() != null) for (String c : st.caption().split("\n")) out.println("        » " + c);
            Step s = st.step();
            out.printf("%7s %5d  %s%n", s == null ? "" : String.valueOf(pageStep(s.index(), declarations)), st.line(), st.source());
            if (s == null) return;
            String sum = s.summary();
            if (sum != null && !sum.isBlank() && !st.source().startsWith(sum) && !sum.startsWith("error:")) out.println("         " + sum);
            int shown = 0, listed = 0;
            for (Event e : s.events()) {
                // warnings and hazards are printed once each, from their own lists below
                if (e.type() == io.cowscope.engine.EventType.WARNING || e.type() == io.cowscope.engine.EventType.HAZARD) continue;
                listed++;
                if (shown >= 40) continue;
                shown++;
                out.println("         " + event(e));
            }
            if (listed > shown) out.println("         … " + (listed - shown) + " more events");
            if (s.eventsTruncated()) out.println("         … (bulk step: " + counts(s) + ")");
            if (s.value() != null && !s.value().runs().isEmpty()) out.println("         read: " + io.cowscope.scenario.Printer.quote(s.value().text()));
            for (String w : s.warnings()) out.println("         warning: " + w);
            for (Hazard h : s.hazards()) out.println("         HAZARD " + h.type().word + ": " + h.text());
            if (s.error() != null) out.println("         error: " + s.error());
        }

        public void finish() {
            out.println(passed + " passed, " + failed + " failed, " + skipped + " skipped" + (notRun > 0 ? ", " + notRun + " not run" : "")
                    + (errors > 0 ? "; " + errors + " error" + (errors == 1 ? "" : "s") : "")
                    + (runs == 1 && !several ? " (" + lastMs + " ms)" : ""));
        }
    }

    /** The leading {@code process} declarations: together they are the page's step 0. */
    static int declarations(List<StepResult> steps) {
        int n = 0;
        for (StepResult st : steps) {
            if (st.step() == null || !st.step().ok() || !(st.step().op() instanceof io.cowscope.engine.op.Spawn)) break;
            n++;
        }
        return n;
    }

    /** The page's number of the engine's step {@code index}: 0 for the leading declarations, then 1, 2, … */
    static int pageStep(int index, int declarations) {
        return declarations == 0 ? index + 1 : index < declarations ? 0 : index - declarations + 1;
    }

    /** One event line: "type: text  [function]  — rule"; an event without text names its page. */
    static String event(Event e) {
        StringBuilder sb = new StringBuilder(e.type().word);
        if (e.text() != null && !e.text().isBlank()) {
            sb.append(": ").append(e.text());
        } else {
            String where = e.proc() != null && e.var() != null ? e.proc() + "." + e.var() + (e.page() >= 0 ? "[" + e.page() + "]" : "") : null;
            if (e.pfn() >= 0) sb.append(": pfn ").append(e.pfn()).append(where != null ? " of " + where : "");
            else if (where != null) sb.append(": ").append(where);
        }
        if (e.function() != null && (e.text() == null || !e.text().contains(e.function()))) sb.append("  [").append(e.function()).append(']');
        if (e.ruleCite() != null && (e.text() == null || !e.text().contains(e.ruleCite()))) sb.append("  — ").append(e.ruleCite());
        return sb.toString();
    }

    static String counts(Step s) {
        StringBuilder sb = new StringBuilder();
        s.eventCounts().forEach((t, n) -> sb.append(sb.length() == 0 ? "" : ", ").append(t.word).append(' ').append(n));
        return sb.toString();
    }

    /** TAP: one line per expectation and kernel; plan at the end; "N passed, M failed" closes. */
    private static final class Tap implements Report {
        private final PrintStream out;
        private int n, passed, failed, skipped;

        Tap(PrintStream out) {
            this.out = out;
            out.println("TAP version 14");
        }

        public void unreadable(String name) {
            out.println("not ok " + (++n) + " - " + name + ": cannot read");
            failed++;
        }

        public void diagnostics(SourceFile f, List<Diagnostic> ds) {
            for (Diagnostic d : ds) {
                out.println("not ok " + (++n) + " - " + f.name() + ":" + d.line() + ":" + d.column() + ": " + d.message() + " [" + d.code() + "]");
                failed++;
            }
        }

        public void run(SourceFile f, Scenario s, RunResult r, int kernels, long ms) {
            if (r.error() != null) {
                out.println("not ok " + (++n) + " - " + f.name() + ":" + r.error().line() + " [" + r.kernel() + "] run-time error: " + r.error().message());
                failed++;
            }
            for (ExpectResult e : r.expectations()) {
                String head = f.name() + ":" + e.line() + " [" + r.kernel() + "] " + e.source();
                switch (e.outcome()) {
                    case PASS: out.println("ok " + (++n) + " - " + head); passed++; break;
                    case SKIPPED: out.println("ok " + (++n) + " - " + head + " # SKIP not in " + e.range()); skipped++; break;
                    default: out.println("not ok " + (++n) + " - " + head + " — " + failure(e)); failed++;
                }
            }
        }

        public void finish() {
            out.println("1.." + n);
            out.println(passed + " passed, " + failed + " failed" + (skipped > 0 ? ", " + skipped + " skipped" : ""));
        }
    }

    /** The full result as one JSON document. */
    private static final class JsonReport implements Report {
        private final PrintStream out;
        private final List<Object> files = new ArrayList<>();
        private final Map<String, Map<String, Object>> byName = new LinkedHashMap<>();
        private long passed, failed, skipped, errors;

        JsonReport(PrintStream out) {
            this.out = out;
        }

        private Map<String, Object> file(String name) {
            return byName.computeIfAbsent(name, k -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("file", k);
                files.add(m);
                return m;
            });
        }

        public void unreadable(String name) {
            file(name).put("error", "cannot read");
            errors++;
        }

        public void diagnostics(SourceFile f, List<Diagnostic> ds) {
            List<Object> l = new ArrayList<>();
            for (Diagnostic d : ds) l.add(JsonTree.diagnostic(d));
            file(f.name()).put("diagnostics", l);
            errors++;
        }

        @SuppressWarnings("unchecked")
        public void run(SourceFile f, Scenario s, RunResult r, int kernels, long ms) {
            Map<String, Object> fm = file(f.name());
            fm.putIfAbsent("title", s.header().title());
            List<Object> runs = (List<Object>) fm.computeIfAbsent("runs", k -> new ArrayList<>());
            runs.add(RunJson.of(r, ms));
            passed += r.passed();
            failed += r.failed();
            skipped += r.skipped();
            if (r.error() != null) errors++;
        }

        public void finish() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("files", files);
            m.put("passed", passed);
            m.put("failed", failed);
            m.put("skipped", skipped);
            m.put("errors", errors);
            out.println(Json.pretty(m));
        }
    }
}
