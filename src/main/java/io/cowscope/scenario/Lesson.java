package io.cowscope.scenario;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.cowscope.engine.KernelVersion;
import io.cowscope.scenario.Token.Type;

/**
 * A lesson ({@code .lesson} file): an ordered set of gallery scenarios with an introduction and
 * questions, checked like a scenario (every error names line:column and a stable code). Lexical rules
 * are the scenario language's (same scanner: strings, comments, versions).
 *
 * <pre>
 * lesson "How Linux learned to copy on write"     # title, once, first
 * intro "…"                                        # may repeat: the lesson's introduction, or the part's after 'part'
 * part "Dirty COW"                                 # a part: one scenario, shown in order
 * scenario "dirty-cow"                             # a gallery id
 * kernels 4.8, 4.9                                 # the kernels to compare (the first is where the part starts)
 * ask before "attacker: write mem f[0] \"root::0:0\"" "Where?" hazard  # an ask (scenario language) before that operation
 * ask at 22 "Where does the forced write land?" hazard    # or before the scenario's line 22
 * </pre>
 *
 * A part's {@link Part#text()} is the scenario with its asks inserted before their lines: that text is
 * checked with {@link ScenarioLanguage} (an ask's own errors are reported at the lesson's line and
 * column), and it is what the page runs. Answers are never written: the engine gives them.
 */
public final class Lesson {

    /** One part: title, intro paragraphs, gallery id, kernels to compare, the scenario with the asks inserted. */
    public record Part(String title, List<String> intro, String scenario, List<String> kernels, String text, int line, int asks) {
        public Part {
            intro = List.copyOf(intro);
            kernels = List.copyOf(kernels);
        }
    }

    public record Checked(Lesson lesson, List<Diagnostic> diagnostics) {
        public boolean ok() {
            return lesson != null;
        }
    }

    private final String id;
    private final String title;
    private final List<String> intro;
    private final List<Part> parts;

    public Lesson(String id, String title, List<String> intro, List<Part> parts) {
        this.id = id;
        this.title = title;
        this.intro = List.copyOf(intro);
        this.parts = List.copyOf(parts);
    }

    public String id() { return id; }
    public String title() { return title; }
    public List<String> intro() { return intro; }
    public List<Part> parts() { return parts; }

    /** Checks a lesson against a gallery; never throws. */
    public static Checked check(String id, String text, Gallery gallery) {
        try {
            return new Reader(id, text, gallery).read();
        } catch (RuntimeException e) {
            return new Checked(null, List.of(Diagnostic.of(Code.RUNTIME, "internal error while checking the lesson: " + e, 1, 1, 1)));
        }
    }

    private static final class AskLine {
        final int lessonLine;
        /** the scenario line the ask comes before; for {@code ask before "…"} found in build() */
        int target;
        /** {@code ask before "STATEMENT"}: the operation's text (null for {@code ask at LINE}) */
        String before;
        /** {@code ask before N "…"}: the Nth operation reading it; 0: it must be the only one */
        int occurrence;
        final int askColumn, targetColumn, targetLength;
        final int restColumn; // 1-based column in the lesson line where the ask's text (prompt or question) starts
        final String rest;

        AskLine(int lessonLine, int target, int askColumn, Token targetToken, int restColumn, String rest) {
            this.lessonLine = lessonLine;
            this.target = target;
            this.askColumn = askColumn;
            this.targetColumn = targetToken.column();
            this.targetLength = targetToken.length();
            this.restColumn = restColumn;
            this.rest = rest;
        }
    }

    private static final class PartBuilder {
        String title;
        int line;
        final List<String> intro = new ArrayList<>();
        String scenario;
        int scenarioLine, scenarioColumn, scenarioLength;
        final List<String> kernels = new ArrayList<>();
        final List<AskLine> asks = new ArrayList<>();
    }

    private static final class Reader {
        final String id;
        final String text;
        final Gallery gallery;
        final Diagnostics diags = new Diagnostics();
        String title;
        final List<String> intro = new ArrayList<>();
        final List<PartBuilder> parts = new ArrayList<>();

        Reader(String id, String text, Gallery gallery) {
            this.id = id;
            this.text = text;
            this.gallery = gallery;
        }

        Checked read() {
            if (Utf8.length(text) > Limits.DEFAULT.maxBytes()) {
                return new Checked(null, List.of(Diagnostic.of(Code.LIMIT_TEXT, "lesson text over " + Limits.DEFAULT.maxBytes() + " bytes", 0, 1, 1)));
            }
            List<Line> lines = new Scanner(diags).scan(text.startsWith("\uFEFF") ? text.substring(1) : text);
            for (Line l : lines) {
                if (l.isBlank() || diags.full()) continue;
                if (l.tokens().get(l.tokens().size() - 1).is(Type.ERROR)) continue;
                line(l);
            }
            if (title == null && !lines.isEmpty()) {
                diags.add(Code.LESSON_STRUCTURE, "a lesson starts with its title: lesson \"…\"", 1, 1, 1);
            }
            if (parts.isEmpty()) {
                int last = lines.isEmpty() ? 1 : lines.get(lines.size() - 1).number();
                diags.add(Code.LESSON_STRUCTURE, "a lesson needs at least one part: part \"…\" then scenario \"gallery-id\"", last, 1, 1);
            }
            List<Part> out = new ArrayList<>();
            for (PartBuilder p : parts) {
                Part built = build(p);
                if (built != null) out.add(built);
            }
            if (!diags.isEmpty()) return new Checked(null, diags.result());
            return new Checked(new Lesson(id, title, intro, out), List.of());
        }

        private void line(Line l) {
            List<Token> t = l.tokens();
            Token kw = t.get(0);
            if (!kw.is(Type.NAME)) {
                diags.add(Code.EXPECTED, "expected a lesson statement (lesson, intro, part, scenario, kernels, ask), found " + kw.describe(), kw);
                return;
            }
            PartBuilder part = parts.isEmpty() ? null : parts.get(parts.size() - 1);
            switch (kw.text()) {
                case "lesson": {
                    Token s = string(t, 1, "after 'lesson'");
                    if (s == null || !end(t, 2)) return;
                    if (title != null) diags.add(Code.REPEATED_HEADER, "'lesson' may appear only once", kw);
                    else if (!parts.isEmpty() || !intro.isEmpty()) diags.add(Code.LESSON_STRUCTURE, "the title comes first: 'lesson' before intro and parts", kw);
                    else title = s.string();
                    return;
                }
                case "intro": {
                    Token s = string(t, 1, "after 'intro'");
                    if (s == null || !end(t, 2)) return;
                    if (part == null) intro.add(s.string());
                    else part.intro.add(s.string());
                    return;
                }
                case "part": {
                    Token s = string(t, 1, "after 'part'");
                    if (s == null || !end(t, 2)) return;
                    PartBuilder p = new PartBuilder();
                    p.title = s.string();
                    p.line = l.number();
                    parts.add(p);
                    return;
                }
                case "scenario": {
                    Token s = string(t, 1, "after 'scenario' (a gallery id in double quotes)");
                    if (s == null || !end(t, 2)) return;
                    if (part == null) {
                        diags.add(Code.LESSON_STRUCTURE, "'scenario' belongs to a part: write part \"…\" first", kw);
                        return;
                    }
                    if (part.scenario != null) {
                        diags.add(Code.LESSON_STRUCTURE, "a part has one scenario: start a new part for '" + s.string() + "'", kw);
                        return;
                    }
                    if (gallery.find(s.string()).isEmpty()) {
                        List<String> ids = gallery.entries().stream().map(Gallery.Entry::id).toList();
                        diags.add(Code.UNKNOWN_NAME, "unknown gallery scenario '" + s.string() + "'" + Suggest.hint(s.string(), ids), s);
                        return;
                    }
                    part.scenario = s.string();
                    part.scenarioLine = s.line();
                    part.scenarioColumn = s.column();
                    part.scenarioLength = s.length();
                    return;
                }
                case "kernels": {
                    if (part == null) {
                        diags.add(Code.LESSON_STRUCTURE, "'kernels' belongs to a part: write part \"…\" first", kw);
                        return;
                    }
                    if (!part.kernels.isEmpty()) {
                        diags.add(Code.REPEATED_HEADER, "'kernels' may appear only once per part", kw);
                        return;
                    }
                    int k = 1;
                    while (true) {
                        Token v = t.get(Math.min(k, t.size() - 1));
                        if (!v.is(Type.VERSION) && !v.isWord("latest")) {
                            diags.add(Code.EXPECTED, "expected a kernel version MAJOR.MINOR or latest " + (k == 1 ? "after 'kernels'" : "after ','") + ", found " + v.describe(), v);
                            return;
                        }
                        java.util.Optional<KernelVersion> kv = KernelVersion.parse(v.text());
                        if (kv.isEmpty() || !kv.get().isSupported()) {
                            diags.add(Code.BAD_VERSION, "unsupported kernel version '" + v.text() + "': supported are the mainline releases 4.8-4.20, 5.0-5.19, 6.0-6.18 and latest", v);
                            return;
                        }
                        String w = kv.get().toString();
                        if (part.kernels.contains(w)) {
                            diags.add(Code.CONFLICT, "kernel " + w + " is listed twice", v);
                            return;
                        }
                        part.kernels.add(w);
                        k++;
                        if (t.get(Math.min(k, t.size() - 1)).is(Type.COMMA)) {
                            k++;
                            continue;
                        }
                        end(t, k);
                        return;
                    }
                }
                case "ask": {
                    if (part == null) {
                        diags.add(Code.LESSON_STRUCTURE, "'ask' belongs to a part: write part \"…\" first", kw);
                        return;
                    }
                    Token at = t.get(Math.min(1, t.size() - 1));
                    if (!at.isWord("at") && !at.isWord("before")) {
                        diags.add(Code.EXPECTED, "expected 'before \"STATEMENT\"' or 'at LINE' after 'ask' (the scenario operation the question comes before), found " + at.describe(), at);
                        return;
                    }
                    int k = 2;
                    int occurrence = 0; // ask before N "…": the Nth operation reading that (0: the only one)
                    if (at.isWord("before") && t.get(Math.min(2, t.size() - 1)).is(Type.INT)) {
                        Token o = t.get(2);
                        if (o.number() < 1 || o.number() > 1000) {
                            diags.add(Code.EXPECTED, "expected 1 to 1000 (which operation of those reading the text) after 'ask before', found " + o.describe(), o);
                            return;
                        }
                        occurrence = (int) o.number();
                        k = 3;
                    }
                    Token n = t.get(Math.min(k, t.size() - 1));
                    if (at.isWord("before") && !n.is(Type.STRING)) {
                        diags.add(Code.EXPECTED, "expected the scenario's operation in double quotes after 'ask before', found " + n.describe(), n);
                        return;
                    }
                    if (at.isWord("at") && (!n.is(Type.INT) || n.number() < 1 || n.number() > 100000)) {
                        diags.add(Code.EXPECTED, "expected a line number of the scenario after 'ask at', found " + n.describe(), n);
                        return;
                    }
                    Token rest = t.get(Math.min(k + 1, t.size() - 1));
                    if (rest.is(Type.EOL)) {
                        diags.add(Code.EXPECTED, "expected a question after 'ask " + at.text() + " " + n.text() + "' (decision, fault, hazard, last or PROC.VAR[i] …)", rest);
                        return;
                    }
                    String src = l.text();
                    int endCol = l.comment() == null ? src.length() : src.lastIndexOf('#' + l.comment());
                    String restText = src.substring(rest.column() - 1, Math.max(rest.column() - 1, endCol)).stripTrailing();
                    AskLine ask = new AskLine(l.number(), n.is(Type.INT) ? (int) n.number() : 0, kw.column(), n, rest.column(), restText);
                    if (n.is(Type.STRING)) {
                        ask.before = n.string();
                        ask.occurrence = occurrence;
                    }
                    part.asks.add(ask);
                    return;
                }
                default: {
                    String hint = Suggest.hint(kw.text(), List.of("lesson", "intro", "part", "scenario", "kernels", "ask"));
                    diags.add(Code.UNKNOWN_STATEMENT, "unknown lesson statement '" + kw.text() + "'" + hint, kw);
                }
            }
        }

        private Token string(List<Token> t, int k, String after) {
            Token s = t.get(Math.min(k, t.size() - 1));
            if (!s.is(Type.STRING)) {
                diags.add(Code.EXPECTED, "expected a string in double quotes " + after + ", found " + s.describe(), s);
                return null;
            }
            return s;
        }

        private boolean end(List<Token> t, int k) {
            Token e = t.get(Math.min(k, t.size() - 1));
            if (e.is(Type.EOL)) return true;
            diags.add(Code.TRAILING_INPUT, "unexpected " + e.describe() + "; expected the end of the line", e);
            return false;
        }

        private static String collapse(String s) {
            return s.strip().replaceAll("\\s+", " ");
        }

        /** The scenario with the asks inserted; the asks' errors mapped back to the lesson. */
        private Part build(PartBuilder p) {
            if (p.scenario == null) {
                diags.add(Code.LESSON_STRUCTURE, "part \"" + p.title + "\" has no scenario: add scenario \"gallery-id\"", p.line, 1, 4);
                return null;
            }
            String original = gallery.find(p.scenario).orElseThrow().text();
            ScenarioLanguage.Checked oc = ScenarioLanguage.check(original);
            if (!oc.ok()) {
                Diagnostic d = oc.diagnostics().get(0);
                diags.add(Code.LESSON_STRUCTURE, "gallery scenario '" + p.scenario + "' has errors (" + d.code() + " at " + d.line() + ":" + d.column()
                        + ": " + d.message() + ")", p.scenarioLine, p.scenarioColumn, p.scenarioLength);
                return null;
            }
            TreeMap<Integer, Statement> byLine = new TreeMap<>();
            for (Statement st : oc.scenario().statements()) byLine.put(st.line(), st);
            boolean bad = false;
            for (AskLine a : p.asks) {
                if (a.before != null) {
                    // by the operation's text, so that the lesson survives lines added to the scenario
                    String want = collapse(a.before);
                    List<Integer> exact = new ArrayList<>(), partial = new ArrayList<>();
                    for (Map.Entry<Integer, Statement> e : byLine.entrySet()) {
                        if (!(e.getValue().node() instanceof Statement.Operation)) continue;
                        String have = collapse(e.getValue().source());
                        if (have.equals(want)) exact.add(e.getKey());
                        else if (have.contains(want)) partial.add(e.getKey());
                    }
                    List<Integer> found = exact.isEmpty() ? partial : exact;
                    if (a.occurrence > 0) {
                        if (found.size() < a.occurrence) {
                            diags.add(Code.LESSON_NOT_A_STEP, "'" + p.scenario + "' has " + found.size() + " operation" + (found.size() == 1 ? "" : "s")
                                    + " reading \"" + a.before + "\", not " + a.occurrence, a.lessonLine, a.targetColumn, a.targetLength);
                            bad = true;
                            continue;
                        }
                        found = List.of(found.get(a.occurrence - 1));
                    }
                    if (found.size() != 1) {
                        diags.add(Code.LESSON_NOT_A_STEP, found.isEmpty()
                                ? "no operation of '" + p.scenario + "' reads \"" + a.before + "\""
                                : "\"" + a.before + "\" matches the operations on lines " + found.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(", "))
                                        + " of '" + p.scenario + "': quote more of the one you mean, or say which (ask before 2 \"…\")",
                                a.lessonLine, a.targetColumn, a.targetLength);
                        bad = true;
                        continue;
                    }
                    a.target = found.get(0);
                    continue;
                }
                Statement st = byLine.get(a.target);
                if (st == null || !(st.node() instanceof Statement.Operation)) {
                    Map.Entry<Integer, Statement> after = byLine.ceilingEntry(a.target);
                    while (after != null && !(after.getValue().node() instanceof Statement.Operation)) after = byLine.higherEntry(after.getKey());
                    String hint = after == null ? "" : "; the next operation is line " + after.getKey() + ": " + after.getValue().source();
                    diags.add(Code.LESSON_NOT_A_STEP, "line " + a.target + " of '" + p.scenario + "' is not an operation"
                            + (st == null ? "" : " (" + st.source() + ")") + hint, a.lessonLine, a.targetColumn, a.targetLength);
                    bad = true;
                }
            }
            if (bad) return null;
            // insert the asks before their lines; remember where each composed line came from
            String[] lines = original.split("\n", -1);
            StringBuilder sb = new StringBuilder();
            List<AskLine> origin = new ArrayList<>(); // per composed line: the ask it came from, or null
            for (int k = 0; k < lines.length; k++) {
                int number = k + 1;
                for (AskLine a : p.asks) {
                    if (a.target == number) {
                        sb.append("ask ").append(a.rest).append('\n');
                        origin.add(a);
                    }
                }
                sb.append(lines[k]);
                if (k < lines.length - 1) sb.append('\n');
                origin.add(null);
            }
            String composed = sb.toString();
            ScenarioLanguage.Checked c = ScenarioLanguage.check(composed);
            if (!c.ok()) {
                for (Diagnostic d : c.diagnostics()) {
                    AskLine a = d.line() >= 1 && d.line() <= origin.size() ? origin.get(d.line() - 1) : null;
                    if (a != null) {
                        int col = d.column() <= 4 ? a.askColumn : a.restColumn + d.column() - 5;
                        diags.add(Code.valueOf(codeName(d.code())), d.message(), a.lessonLine, Math.max(1, col), d.length());
                    } else {
                        diags.add(Code.LESSON_STRUCTURE, "with the lesson's asks, '" + p.scenario + "' does not check: " + d.code() + " " + d.line() + ":"
                                + d.column() + ": " + d.message(), p.scenarioLine, p.scenarioColumn, p.scenarioLength);
                    }
                }
                return null;
            }
            List<String> kernels = p.kernels.isEmpty() ? List.of(oc.scenario().header().kernelVersion().toString()) : p.kernels;
            return new Part(p.title, p.intro, p.scenario, kernels, composed, p.line, p.asks.size());
        }
    }

    private static String codeName(String id) {
        for (Code c : Code.values()) if (c.id.equals(id)) return c.name();
        return Code.RUNTIME.name();
    }
}
