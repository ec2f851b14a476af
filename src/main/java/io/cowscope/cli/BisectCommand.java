package io.cowscope.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.cowscope.engine.KernelVersion;
import io.cowscope.engine.Rule;
import io.cowscope.engine.Rules;
import io.cowscope.scenario.Diagnostic;
import io.cowscope.scenario.Execution;
import io.cowscope.scenario.Json;
import io.cowscope.scenario.Limits;
import io.cowscope.scenario.RunResult;
import io.cowscope.scenario.RunResult.ExpectResult;
import io.cowscope.scenario.Scenario;
import io.cowscope.scenario.ScenarioLanguage;

/**
 * {@code cowscope bisect}: runs a scenario under every supported version and prints the version
 * ranges with identical results (expectation outcomes and a digest of the final state), and at each
 * boundary the rules of the engine's rule table that switch there, with their commits.
 */
final class BisectCommand {
    private BisectCommand() {
    }

    static final String HELP = String.join("\n",
            "usage: cowscope bisect FILE [--format text|json]",
            "",
            "Runs the scenario under every mainline release 4.8 ... 6.18 and groups the versions",
            "whose results are identical: the same outcome for every expectation and the same final",
            "state (page contents, PTE bits, page counts, counters: the 'state' digest). At each",
            "boundary it lists the rules of the engine's rule table that switch between the two",
            "versions, with their commits (all rules: 'cowscope rules' or docs/rules.md), and the",
            "expectations whose outcome changed. FILE may be gallery:ID ('cowscope gallery').",
            "",
            Wrap.indented(Eras.LEGEND + ".", 90, ""),
            "",
            "Exit status: 0 done, 2 errors (scenario, run time or command line).",
            "",
            "examples:",
            "  cowscope bisect gallery:cve-2020-29374-vmsplice",
            "  cowscope bisect my.cow --format json",
            "");

    /** One range of versions with the same results. */
    record Range(KernelVersion first, KernelVersion last, RunResult result) {}

    static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        Options o = Options.parse(args, false, List.of("text", "json"));
        if (o.help) {
            out.print(HELP);
            return ScenarioCommands.OK;
        }
        if (o.problem != null || o.files.size() != 1) {
            err.println("cowscope bisect: " + (o.problem != null ? o.problem : o.files.isEmpty() ? "no FILE given" : "give one FILE"));
            err.print(HELP);
            return ScenarioCommands.ERROR;
        }
        SourceFile f = ScenarioCommands.read(o.files.get(0), in, err, "bisect");
        if (f == null) return ScenarioCommands.ERROR;
        ScenarioLanguage.Checked c = f.check(Limits.DEFAULT);
        if (!c.ok()) {
            for (Diagnostic d : c.diagnostics()) out.print(f.render(d));
            return ScenarioCommands.ERROR;
        }
        List<Range> ranges = bisect(c.scenario());
        if (o.format.equals("json")) out.println(Json.pretty(json(f, c.scenario(), ranges)));
        else print(out, f, c.scenario(), ranges);
        for (Range r : ranges) if (r.result.error() != null) return ScenarioCommands.ERROR;
        return ScenarioCommands.OK;
    }

    static List<Range> bisect(Scenario s) {
        List<Range> out = new ArrayList<>();
        for (KernelVersion v : KernelVersion.all()) {
            RunResult r = new Execution(s, v, false).detail(io.cowscope.engine.Machine.Detail.NO_DELTA).runToEnd();
            Range last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && signature(last.result).equals(signature(r))) out.set(out.size() - 1, new Range(last.first, v, last.result));
            else out.add(new Range(v, v, r));
        }
        return out;
    }

    private static String signature(RunResult r) {
        StringBuilder sb = new StringBuilder(r.digest());
        for (ExpectResult e : r.expectations()) sb.append(' ').append(e.line()).append(e.outcome());
        if (r.error() != null) sb.append(" error@").append(r.error().line()).append(r.error().message());
        return sb.toString();
    }

    static String versions(Range r) {
        return r.first.equals(r.last) ? r.first.toString() : r.first + " – " + r.last;
    }

    private static String failing(RunResult r) {
        if (r.error() != null) return "run-time error at line " + r.error().line();
        List<String> l = new ArrayList<>();
        for (ExpectResult e : r.expectations()) if (e.outcome() == RunResult.Outcome.FAIL) l.add(String.valueOf(e.line()));
        return l.isEmpty() ? "—" : "line" + (l.size() == 1 ? " " : "s ") + String.join(", ", l);
    }

    private static void print(PrintStream out, SourceFile f, Scenario s, List<Range> ranges) {
        String title = s.header().title() != null ? " — \"" + s.header().title() + "\"" : "";
        out.println("bisect " + f.name() + title);
        out.println(KernelVersion.all().size() + " kernels (" + KernelVersion.OLDEST + " … " + KernelVersion.LATEST + "), "
                + ranges.size() + " distinct behaviour" + (ranges.size() == 1 ? "" : "s"));
        out.println();
        String[] head = {"kernels", "era", "passed", "failed", "skipped", "state", "failing"};
        List<String[]> rows = new ArrayList<>();
        for (Range r : ranges) {
            rows.add(new String[]{versions(r), Eras.span(r.first, r.last), String.valueOf(r.result.passed()),
                String.valueOf(r.result.failed()), String.valueOf(r.result.skipped()), r.result.digest(), failing(r.result)});
        }
        int[] w = new int[head.length];
        for (int i = 0; i < head.length; i++) {
            w[i] = head[i].length();
            for (String[] row : rows) w[i] = Math.max(w[i], row[i].length());
        }
        out.println("  " + row(head, w));
        StringBuilder rule = new StringBuilder("  ");
        for (int i = 0; i < w.length; i++) rule.append("─".repeat(w[i])).append(i + 1 < w.length ? "  " : "");
        out.println(rule);
        for (String[] row : rows) out.println("  " + row(row, w));
        out.println();
        out.println("  state: a digest of the final state (page contents, PTE bits, page counts, counters)");
        out.println(Wrap.indented(Eras.LEGEND + ".", 96, "  "));
        if (ranges.size() > 1) {
            out.println();
            out.println("  At each boundary: + a rule switches on, - off; * the rule decided a step of this scenario.");
        }
        for (int k = 1; k < ranges.size(); k++) {
            Range a = ranges.get(k - 1), b = ranges.get(k);
            out.println();
            out.println("  " + a.last + " → " + b.first + "  (" + Eras.of(a.last) + (Eras.of(a.last).equals(Eras.of(b.first)) ? "" : " → " + Eras.of(b.first)) + ")");
            for (String change : outcomeChanges(a.result, b.result)) out.println("    " + change);
            List<Rules.RuleDiff> diffs = new ArrayList<>(Rules.differences(a.last, b.first));
            if (diffs.isEmpty()) out.println("    no rule of the table switches here (the difference comes from a rule's version-dependent detail)");
            // rules that decided a step of this scenario on either side first, marked '*'
            java.util.Set<String> cited = new java.util.HashSet<>(a.result.rulesCited());
            cited.addAll(b.result.rulesCited());
            diffs.sort(java.util.Comparator.comparing(d -> !cited.contains(d.rule().name())));
            int iw = 0;
            for (Rules.RuleDiff d : diffs) iw = Math.max(iw, d.rule().name().length());
            for (Rules.RuleDiff d : diffs) {
                Rule r = d.rule();
                String mark = cited.contains(r.name()) ? "*" : " ";
                out.println("   " + mark + (d.inB() ? "+ " : "- ") + pad(r.name(), iw) + "  " + pad(r.range(), 12) + "  " + commit(r));
                out.println(Wrap.indented(r.description, Math.max(50, 100 - (8 + iw)), "      " + " ".repeat(iw) + "  "));
            }
        }
    }

    private static List<String> outcomeChanges(RunResult a, RunResult b) {
        List<String> out = new ArrayList<>();
        Map<Integer, ExpectResult> before = new LinkedHashMap<>();
        for (ExpectResult e : a.expectations()) before.put(e.line(), e);
        for (ExpectResult e : b.expectations()) {
            ExpectResult x = before.get(e.line());
            if (x != null && x.outcome() != e.outcome()) {
                out.add("line " + e.line() + ": " + word(x.outcome()) + " → " + word(e.outcome()) + "   " + e.source());
            }
        }
        if (out.isEmpty() && !a.digest().equals(b.digest())) out.add("same expectation outcomes; the final state differs (digest " + a.digest() + " → " + b.digest() + ")");
        return out;
    }

    private static String word(RunResult.Outcome o) {
        switch (o) {
            case PASS: return "pass";
            case FAIL: return "FAIL";
            case SKIPPED: return "skip";
            default: return "not run";
        }
    }

    private static String commit(Rule r) {
        return r.commits == null || r.commits.equals("-") ? "(no commit)" : r.commits;
    }

    private static String row(String[] cells, int[] w) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            boolean number = i >= 2 && i <= 4;
            String c = cells[i];
            if (number) sb.append(" ".repeat(w[i] - c.length())).append(c);
            else sb.append(i + 1 < cells.length ? pad(c, w[i]) : c);
            if (i + 1 < cells.length) sb.append("  ");
        }
        return sb.toString();
    }

    private static String pad(String s, int w) {
        return s.length() >= w ? s : s + " ".repeat(w - s.length());
    }

    private static Map<String, Object> json(SourceFile f, Scenario s, List<Range> ranges) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", f.name());
        m.put("title", s.header().title());
        List<Object> rs = new ArrayList<>();
        for (int k = 0; k < ranges.size(); k++) {
            Range r = ranges.get(k);
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("first", r.first.toString());
            x.put("last", r.last.toString());
            x.put("era", Eras.span(r.first, r.last));
            x.put("passed", r.result.passed());
            x.put("failed", r.result.failed());
            x.put("skipped", r.result.skipped());
            x.put("digest", r.result.digest());
            Map<String, Object> outcomes = new LinkedHashMap<>();
            for (ExpectResult e : r.result.expectations()) outcomes.put(String.valueOf(e.line()), e.outcome().name().toLowerCase(java.util.Locale.ROOT));
            x.put("outcomes", outcomes);
            x.put("error", r.result.error() == null ? null : r.result.error().message());
            if (k > 0) {
                List<Object> rules = new ArrayList<>();
                for (Rules.RuleDiff d : Rules.differences(ranges.get(k - 1).last, r.first)) {
                    Map<String, Object> rm = new LinkedHashMap<>();
                    rm.put("rule", d.rule().name());
                    rm.put("switch", d.inB() ? "on" : "off");
                    rm.put("commits", d.rule().commits);
                    rm.put("description", d.rule().description);
                    rm.put("decidedAStep", ranges.get(k - 1).result.rulesCited().contains(d.rule().name())
                            || r.result.rulesCited().contains(d.rule().name()));
                    rules.add(rm);
                }
                x.put("rulesChanged", rules);
            }
            rs.add(x);
        }
        m.put("ranges", rs);
        return m;
    }
}
