package io.cowscope.scenario;

import java.util.List;
import java.util.Objects;

import io.cowscope.engine.op.Op;

/**
 * A body statement: what it says ({@link Node}) and where it was written ({@link Trivia}: line, column,
 * source text, comments). Equality is the node's.
 */
public record Statement(Node node, Trivia trivia) {

    /** What a body statement says. */
    public sealed interface Node permits Operation, Say, Expect {
    }

    /** A statement that changes the machine: {@code process}, {@code PROC: op}, a global op or a hook. */
    public record Operation(Op op) implements Node {
    }

    /** {@code say "…"}: a caption for the next step. */
    public record Say(String text) implements Node {
    }

    /** {@code expect[RANGE] SUBJECT CHECK, …}; range null = every version. */
    public record Expect(VersionRange range, Subject subject, List<Check> checks) implements Node {
        public Expect {
            checks = List.copyOf(checks);
        }
    }

    public int line() {
        return trivia.line();
    }

    public int column() {
        return trivia.column();
    }

    public String source() {
        return trivia.source();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Statement s && s.node.equals(node);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(node);
    }

    @Override
    public String toString() {
        return node.toString();
    }
}
