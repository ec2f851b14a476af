package io.cowscope.session;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.cowscope.engine.Delta;
import io.cowscope.engine.Event;
import io.cowscope.engine.Hazard;
import io.cowscope.engine.KernelStep;
import io.cowscope.engine.Snapshot;
import io.cowscope.scenario.Diagnostic;
import io.cowscope.scenario.RunResult.CheckResult;
import io.cowscope.scenario.RunResult.ExpectResult;
import io.cowscope.scenario.RunResult.Outcome;
import io.cowscope.scenario.RunResult.RunError;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The messages a session sends (docs/protocol.md, "Session protocol"), one record each; field
 * order is JSON order, null fields are left out. Engine records (Snapshot, Delta, KernelStep) go
 * out as Jackson writes them; events and hazards are re-shaped so that enums read as the language's
 * words ({@code "cow"}, {@code "leak"}) and each event carries its rule's citation and commit.
 */
public final class Views {
    private Views() {
    }

    /** The answer to load, resume, kernel, compare and append: everything the page needs to draw. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SessionView(String type, int v, Object id, String token, String kernel, String compare,
            String title, String description, String text, List<StatementView> statements, int steps,
            Integer compareSteps, Position position, Snapshot state, Snapshot compareState,
            List<ExpectView> expectations, List<ExpectView> compareExpectations, ErrorView runError,
            ErrorView compareRunError, Limits limits) {
    }

    public record Position(int step, int kernelStep) {
    }

    /** a body statement; {@code step} is the step an operation produces (null for say/expect and unrun ones) */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record StatementView(int index, int line, String text, String kind, Integer step) {
    }

    /** an expectation's result at the step it was evaluated on */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ExpectView(int step, int line, String text, String outcome, boolean passed, boolean skipped,
            String range, String expected, String actual, String where) {
        static ExpectView of(int step, ExpectResult r) {
            CheckResult c = r.firstFailure();
            if (c == null && !r.checks().isEmpty()) {
                c = r.checks().get(0);
            }
            return new ExpectView(step, r.line(), r.source(), r.outcome().name().toLowerCase(),
                    r.outcome() == Outcome.PASS, r.outcome() == Outcome.SKIPPED, r.range(),
                    c == null ? null : c.expected(), c == null ? null : c.actual(), c == null ? null : c.where());
        }
    }

    /** the run-time error that stopped a run */
    public record ErrorView(int line, String text, String message) {
        static ErrorView of(RunError e) {
            return e == null ? null : new ErrorView(e.line(), e.source(), e.message());
        }
    }

    /** the limits in force, so that the page can tell the user before it asks */
    public record Limits(int maxSteps, int maxPages, int maxWorkPerRequest, int maxMessageBytes,
            int maxMessagesPerSecond, int windowPtes, int maxWindowPtes, int minPlayIntervalMs) {
        static Limits of(SessionProperties p) {
            return new Limits(p.maxSteps(), p.maxPages(), p.maxWorkPerRequest(), p.maxMessageBytes(),
                    p.maxMessagesPerSecond(), p.windowPtes(), p.maxWindowPtes(), p.minPlayIntervalMs());
        }
    }

    /**
     * One position change. Forward by one step carries the engine's {@code delta}; any other move
     * (back, goto, run, kernel) carries a windowed {@code state} instead. {@code compare} holds the
     * same fields for the second kernel, {@code diff} what differs between the two.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DeltaView(String type, Object id, String kernel, int step, int kernelStep, int steps, String op,
            Integer line, String say, List<KernelStep> kernelSteps, List<EventView> events,
            Map<String, Integer> eventCounts, Boolean eventsTruncated, String summary, String value,
            List<String> warnings, List<HazardView> hazards, List<ExpectView> expectations, String error,
            Delta delta, Snapshot state, Snapshot kernelState, DeltaView compare, List<DiffEntry> diff, String reason,
            List<StatementView> appended) {
        DeltaView withCompare(DeltaView other, List<DiffEntry> d) {
            return new DeltaView(type, id, kernel, step, kernelStep, steps, op, line, say, kernelSteps, events,
                    eventCounts, eventsTruncated, summary, value, warnings, hazards, expectations, error, delta, state,
                    kernelState, other, d, reason, appended);
        }

        DeltaView withReason(String why) {
            return new DeltaView(type, id, kernel, step, kernelStep, steps, op, line, say, kernelSteps, events,
                    eventCounts, eventsTruncated, summary, value, warnings, hazards, expectations, error, delta, state,
                    kernelState, compare, diff, why, appended);
        }

        DeltaView withAppended(List<StatementView> added) {
            return new DeltaView(type, id, kernel, step, kernelStep, steps, op, line, say, kernelSteps, events,
                    eventCounts, eventsTruncated, summary, value, warnings, hazards, expectations, error, delta, state,
                    kernelState, compare, diff, reason, added);
        }
    }

    /** an engine event with words for enums, and the rule's citation and commit */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record EventView(String type, String kind, String proc, String var, int page, long pfn, String function,
            String rule, String ruleCite, String commit, String text, Map<String, Object> values) {
        static EventView of(Event e) {
            return new EventView(e.type().word, e.kind(), e.proc(), e.var(), e.page(), e.pfn(), e.function(),
                    e.rule() == null ? null : e.rule().name(), e.ruleCite(), e.rule() == null ? null : e.rule().commits,
                    e.text(), e.values());
        }
    }

    public record HazardView(String type, int step, String text, List<Long> pfns, List<String> involved) {
        static HazardView of(Hazard h) {
            return new HazardView(h.type().word, h.step(), h.text(), h.pfns(), h.involved());
        }

        static List<HazardView> of(List<Hazard> hs) {
            List<HazardView> out = new ArrayList<>(hs.size());
            for (Hazard h : hs) {
                out.add(of(h));
            }
            return out;
        }
    }

    /** one difference between the two kernels at a step: what (page, pte, event, hazard), where, each side's value */
    /**
     * One difference between the two kernels. {@code fields} (page and holder entries) lists only
     * what differs, each with both sides, so a reader sees the difference and not two summaries.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DiffEntry(String what, String key, Object left, Object right, List<FieldDiff> fields) {
        DiffEntry(String what, String key, Object left, Object right) {
            this(what, key, left, right, null);
        }
    }

    /** one field that differs: its name and the value on each side (null: absent on that side) */
    public record FieldDiff(String field, Object left, Object right) {
    }

    /** the answer to window: PTEs first..last of one mapping (and the pages they map) at the current step */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record WindowView(String type, Object id, int step, String proc, String var, int first, int last,
            Snapshot state, Snapshot compareState) {
    }

    /**
     * The answer to strip: one character per page of first..last (the engine's
     * {@code Observer.pteStrip}: x no VMA, . no PTE, z zero page, r/w present read-only/writable,
     * h/H PMD-mapped, s/S swap entry / exclusive), for strip views of huge mappings.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record StripView(String type, Object id, int step, String proc, String var, int first, int last, int pages,
            String strip, String compareStrip) {
    }

    /** a scenario (load) or statement (append) that does not check: nothing changed */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DiagnosticsView(String type, Object id, String context, List<DiagnosticView> diagnostics) {
    }

    public record DiagnosticView(String code, String message, int line, int column, int length, String severity) {
        static List<DiagnosticView> of(List<Diagnostic> ds, int lineOffset) {
            List<DiagnosticView> out = new ArrayList<>(ds.size());
            for (Diagnostic d : ds) {
                out.add(new DiagnosticView(d.code(), d.message(), Math.max(0, d.line() - lineOffset), d.column(),
                        d.length(), "error"));
            }
            return out;
        }
    }

    /** paused, ended (play or run stopped), closed, expired */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Notice(String type, Object id, Integer step, String reason) {
    }
}
