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
    public sealed interface Node permits Operation, Say, Expect, Ask {
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

    /**
     * {@code ask ["prompt"] QUESTION [choices C, …]}: a question about the next step (an extension, see
     * docs/scenario-language.md). The answer is never written: the engine computes it at the kernel
     * being run ({@link Answers}). prompt null = the question's default sentence; choices: the scenario's
     * own options for a number or text question (INT or STRING), empty otherwise.
     */
    public record Ask(String prompt, Question question, List<String> choices) implements Node {
        public Ask {
            choices = List.copyOf(choices);
        }

        /** The choices a viewer picks from: the question's fixed ones, else the scenario's (maybe none: free answer). */
        public List<String> options() {
            return question.fixedChoices().isEmpty() ? choices : question.fixedChoices();
        }

        public String promptText() {
            return prompt != null ? prompt : question.defaultPrompt();
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
