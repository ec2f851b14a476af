package io.cowscope.scenario;

import java.util.List;

import io.cowscope.engine.KernelVersion;
import io.cowscope.engine.Step;

/**
 * The outcome of running a scenario under one kernel version: the steps (with captions), every
 * expectation's result, the run-time error that stopped the run (or null), a digest of the final
 * state (used by bisect to tell behaviours apart), and the names of the engine rules that decided a
 * step (cited by an event), whether or not the steps were kept.
 */
public record RunResult(KernelVersion kernel, List<StepResult> steps, List<ExpectResult> expectations, RunError error,
                        String digest, java.util.Set<String> rulesCited) {

    /** One operation statement and what the engine did. {@code caption} comes from the say before it. */
    public record StepResult(int line, int column, String source, String caption, Step step) {}

    public enum Outcome { PASS, FAIL, SKIPPED, NOT_RUN }

    /** One expectation: its outcome and, per check, expected vs actual. */
    public record ExpectResult(int line, int column, String source, Outcome outcome, String range, List<CheckResult> checks) {
        /** The first failing check, or null. */
        public CheckResult firstFailure() {
            for (CheckResult c : checks) if (!c.pass()) return c;
            return null;
        }
    }

    /** {@code check} is the check's canonical text; page subjects name the first page that failed in {@code where}. */
    public record CheckResult(String check, boolean pass, String expected, String actual, String where) {}

    /** An error the engine reported for a statement (R9, a killed process …): the run stopped there. */
    public record RunError(int line, int column, String source, String message) {}

    public boolean ok() {
        return error == null && failed() == 0;
    }

    public long passed() {
        return expectations.stream().filter(e -> e.outcome() == Outcome.PASS).count();
    }

    public long failed() {
        return expectations.stream().filter(e -> e.outcome() == Outcome.FAIL).count();
    }

    public long skipped() {
        return expectations.stream().filter(e -> e.outcome() == Outcome.SKIPPED).count();
    }
}
