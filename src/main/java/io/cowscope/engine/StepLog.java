package io.cowscope.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Collects one step's kernel steps and events. Bounded: per-page detail is kept for the first
 * {@link #DETAIL_PAGES} pages of an operation (and at most {@link #MAX_EVENTS} events); after that
 * only the counts move, and callers skip building sentences ({@code if (log.detail)}).
 */
final class StepLog {
    static final int DETAIL_PAGES = 16, MAX_EVENTS = 400, MAX_KSTEPS = 600;

    boolean detail = true;
    /** told the index of each kernel step before it is recorded ({@link KernelStepProbe}), or null */
    private final java.util.function.IntConsumer probe = KernelStepProbe.current();
    /** replay mode (time travel): no sentences, no events, only the counts */
    boolean quiet;

    void detailOn() {
        detail = !quiet;
    }
    int depth;
    final ArrayList<KernelStep> ksteps = new ArrayList<>();
    final ArrayList<Event> events = new ArrayList<>();
    final int[] counts = new int[EventType.values().length];
    final ArrayList<String> warnings = new ArrayList<>();
    final ArrayList<Hazard> hazards = new ArrayList<>();
    boolean truncated;
    /** the errno the system call returns (null: success); set by {@link #fail} */
    String errno;
    // the value read, run-length compressed
    final ArrayList<ReadValue.Run> runs = new ArrayList<>();
    String runText;
    int runCount, readPages;
    boolean readSomething, runsTruncated;
    String uniform;
    boolean mixed;

    /** the system call fails with this errno (the first failure wins); returns it, for the step's summary */
    String fail(String errno) {
        if (this.errno == null) this.errno = errno;
        return errno;
    }

    /** called at the k-th page of a multi-page operation */
    void page(int k) {
        boolean d = k < DETAIL_PAGES && !quiet;
        if (!d && detail) truncated = true;
        detail = d;
    }

    int enter(String fn, String note) {
        if (detail && ksteps.size() < MAX_KSTEPS) record(new KernelStep(depth, fn, note));
        else if (detail) truncated = true;
        return depth++;
    }

    void leaf(String fn, String note) {
        if (detail && ksteps.size() < MAX_KSTEPS) record(new KernelStep(depth, fn, note));
    }

    private void record(KernelStep k) {
        if (probe != null) probe.accept(ksteps.size());
        ksteps.add(k);
    }

    void count(EventType t) {
        counts[t.ordinal()]++;
    }

    /** counts always; materialises the event only in detail mode */
    void event(EventType t, String kind, String proc, String var, int page, long pfn, String fn, Rule rule, String text,
               Map<String, Object> values) {
        counts[t.ordinal()]++;
        if (!detail) return;
        if (events.size() >= MAX_EVENTS) {
            truncated = true;
            return;
        }
        events.add(new Event(t, kind, proc, var, page, pfn, fn, rule, text, values == null ? Map.of() : values));
    }

    /** warnings and hazards are always materialised (a hazard also counts as an event) */
    void warn(String w) {
        counts[EventType.WARNING.ordinal()]++;
        if (quiet) return;
        if (warnings.size() < 64) warnings.add(w);
        if (events.size() < MAX_EVENTS + 64)
            events.add(new Event(EventType.WARNING, null, null, null, -1, -1, null, null, w, Map.of()));
    }

    void hazard(Hazard h) {
        counts[EventType.HAZARD.ordinal()]++;
        if (quiet) return;
        if (hazards.size() < 256) hazards.add(h);
        if (events.size() < MAX_EVENTS + 64)
            events.add(new Event(EventType.HAZARD, h.type().word, null, null, -1, h.pfns().isEmpty() ? -1 : h.pfns().get(0),
                    null, null, h.text(), Map.of()));
    }

    void read(String text) {
        if (!readSomething) uniform = text;
        else if (!mixed && !uniform.equals(text)) mixed = true;
        readSomething = true;
        readPages++;
        if (runText != null && runText.equals(text)) {
            runCount++;
            return;
        }
        flushRun();
        runText = text;
        runCount = 1;
    }

    private void flushRun() {
        if (runText != null) {
            if (runs.size() < ReadValue.MAX_RUNS) runs.add(new ReadValue.Run(runText, runCount));
            else runsTruncated = true;
        }
        runText = null;
        runCount = 0;
    }

    ReadValue value() {
        if (!readSomething) return ReadValue.NONE;
        flushRun();
        return new ReadValue(List.copyOf(runs), readPages, runsTruncated, mixed ? null : uniform);
    }
}
