package io.cowscope.scenario;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Collects diagnostics; stops adding after {@link #MAX} (binary input would otherwise yield one per line). */
final class Diagnostics {
    static final int MAX = 100;

    private final List<Diagnostic> list = new ArrayList<>();
    private boolean truncated;

    void add(Code code, String message, int line, int column, int length) {
        if (list.size() >= MAX) {
            truncated = true;
            return;
        }
        for (Diagnostic d : list) if (d.line() == line && d.column() == column) return; // one per place
        list.add(Diagnostic.of(code, message, line, column, length));
    }

    void add(Code code, String message, Token at) {
        add(code, message, at.line(), at.column(), at.length());
    }

    boolean full() {
        return list.size() >= MAX;
    }

    boolean isEmpty() {
        return list.isEmpty();
    }

    int size() {
        return list.size();
    }

    /** Sorted by position; a last COW305 entry when some were dropped. */
    List<Diagnostic> result() {
        List<Diagnostic> out = new ArrayList<>(list);
        out.sort(Comparator.comparingInt(Diagnostic::line).thenComparingInt(Diagnostic::column));
        if (truncated) {
            int last = out.isEmpty() ? 0 : out.get(out.size() - 1).line();
            out.add(Diagnostic.of(Code.TOO_MANY_ERRORS, "too many errors: stopped after " + MAX, last, 1, 1));
        }
        return List.copyOf(out);
    }
}
