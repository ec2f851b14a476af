package io.cowscope.scenario;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The entry point of the .cow language: text (or bytes) in, a checked {@link Scenario} or diagnostics
 * out. Never throws on any input; a scenario with errors has no tree ({@link Checked#scenario()} is
 * null) so it can never run half-way.
 *
 * <pre>
 * Checked c = ScenarioLanguage.check(text);              // or check(bytes), check(text, limits)
 * if (!c.ok()) return badRequest(c.diagnostics());       // code, message, line, column, length
 * String canonical = Printer.print(c.scenario());
 * Map&lt;String, Object&gt; tree = JsonTree.of(c.scenario()); // plain maps and lists
 * </pre>
 */
public final class ScenarioLanguage {

    private ScenarioLanguage() {
    }

    /** The result of checking: the scenario when there are no errors, else the diagnostics. */
    public record Checked(Scenario scenario, List<Diagnostic> diagnostics) {
        public boolean ok() {
            return scenario != null;
        }
    }

    public static Checked check(String text) {
        return check(text, Limits.DEFAULT);
    }

    public static Checked check(byte[] bytes) {
        return check(bytes, Limits.DEFAULT);
    }

    public static Checked check(byte[] bytes, Limits limits) {
        if (bytes.length > limits.maxBytes()) return tooLarge(bytes.length, limits);
        Diagnostics d = new Diagnostics();
        String text = Utf8.decode(bytes, d);
        return run(text, d, limits);
    }

    public static Checked check(String text, Limits limits) {
        int bytes = Utf8.length(text);
        if (bytes > limits.maxBytes()) return tooLarge(bytes, limits);
        return run(text, new Diagnostics(), limits);
    }

    /** The syntax tree even when semantic rules fail (for editors); null only when the syntax is broken. */
    public static Scenario parseOnly(String text) {
        Diagnostics d = new Diagnostics();
        if (Utf8.length(text) > Limits.DEFAULT.maxBytes()) return null;
        Parser.Result r = new Parser(new Scanner(d).scan(stripBom(text)), d, Limits.DEFAULT).parse();
        return d.isEmpty() ? r.scenario() : null;
    }

    private static Checked run(String text, Diagnostics d, Limits limits) {
        try {
            List<Line> lines = new Scanner(d).scan(stripBom(text));
            Parser.Result r = new Parser(lines, d, limits).parse();
            if (!d.full()) new Validator(d, limits, r.looseNames()).validate(r.scenario(), r.statementTokens());
            return d.isEmpty() ? new Checked(r.scenario(), List.of()) : new Checked(null, d.result());
        } catch (RuntimeException | StackOverflowError e) {
            // a bug of ours, never the input's fault: still an answer, never a crash
            return new Checked(null, List.of(Diagnostic.of(Code.RUNTIME, "internal error while checking (" + e.getClass().getSimpleName()
                    + "); please report this scenario", 0, 1, 1)));
        }
    }

    /** The answer for a text of {@code size} bytes over the limit (line 0). */
    public static Checked tooLarge(long size, Limits limits) {
        String what = size == Long.MAX_VALUE ? "far more bytes than" : size + " bytes exceed";
        return new Checked(null, List.of(Diagnostic.of(Code.LIMIT_TEXT, "scenario too large: " + what + " the limit of "
                + limits.maxBytes() + " bytes (" + (limits.maxBytes() / 1024) + " KiB)", 0, 1, 1)));
    }

    private static String stripBom(String text) {
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
