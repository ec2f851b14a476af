package io.cowscope.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.cowscope.engine.KernelVersion;
import io.cowscope.engine.Rule;
import io.cowscope.scenario.Json;

/**
 * {@code cowscope rules}: every rule of the engine's version table ({@link Rule}) with its version
 * range, commits, tag and what it decides, as text, Markdown (docs/rules.md is this output) or JSON.
 */
final class RulesCommand {
    private RulesCommand() {
    }

    /** How docs/rules.md is made; the rules test prints it when the file is stale. */
    static final String REGENERATE = "java -jar target/cowscope.jar rules --format md > docs/rules.md";

    static final String HELP = String.join("\n",
            "usage: cowscope rules [--format text|md|json]",
            "",
            "Prints every rule the simulated kernel switches by version, from the engine's own rule",
            "table: its id, the mainline releases it is in force in (inclusive), the kernel commits",
            "it follows, a tag saying how sure the range is, and what it decides. Events and bisect",
            "name rules by these ids. Also prints the eras (E0 ... E4) that the other commands show.",
            "docs/rules.md is the Markdown output.",
            "",
            "  --format text   one rule per paragraph (default)",
            "  --format md     the Markdown page docs/rules.md",
            "  --format json   {\"eras\": [...], \"rules\": [{\"id\", \"from\", \"to\", \"range\", \"commits\", \"tag\", \"description\"}]}",
            "",
            "Exit status: 0 printed, 2 a usage error.",
            "",
            "examples:",
            "  cowscope rules",
            "  cowscope rules --format md > docs/rules.md",
            "  cowscope rules --format json",
            "");

    static final String TAGS = "Tag: (none) read in the kernel code, a commit or its documentation; I inferred from release dates; U not verified.";

    static int run(String[] args, PrintStream out, PrintStream err) {
        Options o = Options.parse(args, false, List.of("text", "md", "json"));
        if (o.help) {
            out.print(HELP);
            return ScenarioCommands.OK;
        }
        if (o.problem != null || !o.files.isEmpty()) {
            err.println("cowscope rules: " + (o.problem != null ? o.problem : "takes no FILE"));
            err.print(HELP);
            return ScenarioCommands.ERROR;
        }
        switch (o.format) {
            case "md": out.print(markdown()); break;
            case "json": out.println(Json.pretty(json())); break;
            default: out.print(text());
        }
        return ScenarioCommands.OK;
    }

    static String text() {
        StringBuilder sb = new StringBuilder();
        sb.append(Rule.values().length).append(" rules of the simulated kernel, ").append(KernelVersion.OLDEST).append(" … ")
                .append(KernelVersion.LATEST).append(" (versions inclusive).\n").append(Wrap.indented(TAGS, 96, "")).append("\n\n");
        sb.append("Eras:\n");
        for (Eras.Era e : Eras.ALL) sb.append("  ").append(e.id()).append("  ").append(pad(e.range(), 10)).append("  ").append(e.meaning()).append('\n');
        int w = 0;
        for (Rule r : Rule.values()) w = Math.max(w, r.name().length());
        for (Rule r : Rule.values()) {
            sb.append('\n').append(pad(r.name(), w)).append("  ").append(pad(r.range(), 12)).append("  ").append(commits(r))
                    .append(r.tag.isEmpty() ? "" : "  [" + r.tag + "]").append('\n');
            sb.append(Wrap.indented(r.description, 92, "    ")).append('\n');
        }
        return sb.toString();
    }

    static String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("# The engine's rules by kernel version\n\n");
        sb.append("<!-- generated: ").append(REGENERATE).append(" (do not edit by hand; RulesDocTest compares) -->\n\n");
        sb.append("Every behaviour the simulated kernel switches by version is one rule of the engine's table\n")
                .append("(`src/main/java/io/cowscope/engine/Rule.java`). Code asks whether a rule is in force; events name\n")
                .append("the rule that decided them, and `cowscope bisect` lists the rules that switch between two versions.\n")
                .append("Versions are mainline releases ").append(KernelVersion.OLDEST).append(" … ").append(KernelVersion.LATEST)
                .append(", ranges inclusive. ").append(TAGS).append("\n\n");
        sb.append("## Eras\n\n");
        sb.append("The command line and the page label each version with an era: the version ranges between the\n")
                .append("rules that changed copy-on-write most.\n\n");
        sb.append("| era | versions | what changes |\n|---|---|---|\n");
        for (Eras.Era e : Eras.ALL) sb.append("| ").append(e.id()).append(" | ").append(cell(e.range())).append(" | ").append(cell(e.meaning())).append(" |\n");
        sb.append("\n## Rules\n\n");
        sb.append("| rule | versions | commits | tag | what it decides |\n|---|---|---|---|---|\n");
        for (Rule r : Rule.values()) {
            sb.append("| `").append(r.name()).append("` | ").append(cell(r.range())).append(" | ").append(cell(commits(r))).append(" | ")
                    .append(r.tag).append(" | ").append(cell(r.description)).append(" |\n");
        }
        return sb.toString();
    }

    static Map<String, Object> json() {
        Map<String, Object> m = new LinkedHashMap<>();
        List<Object> eras = new ArrayList<>();
        for (Eras.Era e : Eras.ALL) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("id", e.id());
            x.put("range", e.range());
            x.put("meaning", e.meaning());
            eras.add(x);
        }
        m.put("eras", eras);
        List<Object> rules = new ArrayList<>();
        for (Rule r : Rule.values()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("id", r.name());
            x.put("from", r.from == null ? null : r.from.toString());
            x.put("to", r.to == null ? null : r.to.toString());
            x.put("range", r.range());
            x.put("commits", r.commits);
            x.put("tag", r.tag);
            x.put("description", r.description);
            rules.add(x);
        }
        m.put("rules", rules);
        return m;
    }

    private static String commits(Rule r) {
        return r.commits == null || r.commits.equals("-") ? "(no commit)" : r.commits;
    }

    private static String cell(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }

    private static String pad(String s, int w) {
        return s.length() >= w ? s : s + " ".repeat(w - s.length());
    }
}
