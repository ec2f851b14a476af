package io.cowscope.session;

import io.cowscope.engine.op.ProcOp;
import io.cowscope.engine.op.ProcessOp;
import io.cowscope.engine.op.Spawn;
import io.cowscope.scenario.Diagnostic;
import io.cowscope.scenario.Header;
import io.cowscope.scenario.HeaderLine;
import io.cowscope.scenario.Printer;
import io.cowscope.scenario.Scenario;
import io.cowscope.scenario.ScenarioLanguage;
import io.cowscope.scenario.Statement;
import io.cowscope.scenario.Trivia;
import io.cowscope.session.Views.DiagnosticsView;
import io.cowscope.session.Views.StatementView;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What a session runs: the header (with load's overrides), the body statements (loaded, then
 * appended) and the text the user sees. Appended text is checked in the context of everything
 * before it, so names, sizes and handles declared earlier are known.
 */
final class Program {
    private final List<HeaderLine> header;
    private final List<Statement> statements;
    private final StringBuilder text;
    private int textLines;
    private final String title;
    private final String description;

    Program(Scenario scenario, String text) {
        this.header = List.copyOf(scenario.headerLines());
        this.statements = new ArrayList<>(scenario.statements());
        this.text = new StringBuilder(text);
        if (!text.isEmpty() && !text.endsWith("\n")) {
            this.text.append('\n');
        }
        this.textLines = countLines(this.text);
        Header h = scenario.header();
        this.title = h.title();
        this.description = h.description();
    }

    List<HeaderLine> header() {
        return header;
    }

    List<Statement> statements() {
        return Collections.unmodifiableList(statements);
    }

    String text() {
        return text.toString();
    }

    String title() {
        return title;
    }

    String description() {
        return description;
    }

    /** the line number the next appended statement gets */
    int nextLine() {
        return textLines + 1;
    }

    /** adds checked statements (from {@link #parse}) and their text */
    void add(List<Statement> parsed, String added) {
        statements.addAll(parsed);
        text.append(added.endsWith("\n") ? added : added + "\n");
        textLines = countLines(text);
    }

    /** the statements from index {@code from} on, each operation with the step it makes (null past {@code steps}) */
    List<StatementView> views(int from, int steps) {
        List<StatementView> out = new ArrayList<>();
        int step = 0;
        boolean leading = true;
        for (int i = 0; i < statements.size(); i++) {
            Statement st = statements.get(i);
            Integer at = null;
            String kind = "operation";
            if (st.node() instanceof Statement.Say) {
                kind = "say";
            } else if (st.node() instanceof Statement.Expect) {
                kind = "expect";
            } else if (st.node() instanceof Statement.Ask) {
                kind = "ask";
            } else if (leading && ((Statement.Operation) st.node()).op() instanceof Spawn) {
                at = 0;
            } else {
                leading = false;
                step++;
                at = step <= steps ? step : null;
            }
            if (i >= from) {
                out.add(new StatementView(i, st.line(), st.source(), kind, at));
            }
        }
        return out;
    }

    /**
     * Checks appended text in the context of the program; the statements get their line in the
     * session's text. Throws {@link Session.InvalidScenario} with diagnostics (lines counted from
     * 1 at the first appended line).
     */
    List<Statement> parse(String added) {
        if (added == null || added.isBlank()) {
            throw new SessionException(SessionException.MALFORMED, "append needs a statement");
        }
        String context = text.toString();
        int contextLines = textLines;
        int contextStatements = statements.size();
        String combined = context + added;
        ScenarioLanguage.Checked c = ScenarioLanguage.check(combined);
        if (!c.ok() && tooBig(c.diagnostics())) {
            // past the language's size limits: check against the declarations only (names, sizes, handles)
            List<Statement> decl = new ArrayList<>();
            for (Statement st : statements) {
                if (declares(st)) {
                    decl.add(st);
                }
            }
            context = Printer.print(new Scenario(header, decl, List.of()), false);
            if (!context.endsWith("\n")) {
                context += "\n";
            }
            contextLines = countLines(context);
            contextStatements = decl.size();
            c = ScenarioLanguage.check(context + added);
        }
        if (!c.ok()) {
            throw new Session.InvalidScenario(new DiagnosticsView("diagnostics", null, "append",
                    Views.DiagnosticView.of(c.diagnostics(), contextLines)));
        }
        List<Statement> out = new ArrayList<>();
        List<Statement> checked = c.scenario().statements();
        for (Statement st : checked.subList(Math.min(contextStatements, checked.size()), checked.size())) {
            Trivia t = st.trivia();
            out.add(new Statement(st.node(), new Trivia(textLines + t.line() - contextLines, t.column(), t.source(),
                    List.of(), null)));
        }
        if (out.isEmpty()) {
            throw new SessionException(SessionException.MALFORMED, "append needs a statement, not only comments");
        }
        return out;
    }

    private static boolean tooBig(List<Diagnostic> ds) {
        return ds.stream().anyMatch(d -> d.code().equals("COW300") || d.code().equals("COW301"));
    }

    /** statements that introduce or retire names: all the checker needs of the past */
    private static boolean declares(Statement st) {
        if (!(st.node() instanceof Statement.Operation op)) {
            return false;
        }
        if (op.op() instanceof ProcessOp po) {
            return !(po.op() instanceof ProcOp.Write || po.op() instanceof ProcOp.Read
                    || po.op() instanceof ProcOp.ClearRefs || po.op() instanceof ProcOp.Cpu
                    || po.op() instanceof ProcOp.Mprotect || po.op() instanceof ProcOp.Madvise);
        }
        return true;
    }

    private static int countLines(CharSequence s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == '\n') {
                n++;
            }
        }
        if (s.length() > 0 && s.charAt(s.length() - 1) != '\n') {
            n++;
        }
        return n;
    }

}
