package io.cowscope.engine;

import io.cowscope.engine.op.Op;

import java.util.List;
import java.util.Map;

/**
 * The result of one {@link Machine#apply}: the operation's kernel steps (bounded), its events (bounded:
 * bulk operations keep per-page detail for the first pages and count the rest in {@code eventCounts}),
 * the value read, warnings, hazards raised, a delta, and an error when the operation could not run
 * (the machine is then unchanged unless {@code partial}). {@code errno} is the error number the system call
 * returned to the process ("EFAULT", "EINVAL", "ENOMEM" …), or null when it succeeded: unlike {@code error},
 * a failed system call is something the kernel does, and the run goes on.
 */
public record Step(int index, Op op, List<KernelStep> kernelSteps, List<Event> events, Map<EventType, Integer> eventCounts,
                   ReadValue value, List<String> warnings, List<Hazard> hazards, String error, Delta delta,
                   String summary, boolean eventsTruncated, String errno) {

    public Step(int index, Op op, List<KernelStep> kernelSteps, List<Event> events, Map<EventType, Integer> eventCounts,
                ReadValue value, List<String> warnings, List<Hazard> hazards, String error, Delta delta,
                String summary, boolean eventsTruncated) {
        this(index, op, kernelSteps, events, eventCounts, value, warnings, hazards, error, delta, summary, eventsTruncated, null);
    }

    public boolean ok() {
        return error == null;
    }

    /** how many events of this type the step produced (exact, also for bulk operations) */
    public int count(EventType t) {
        Integer n = eventCounts.get(t);
        return n == null ? 0 : n;
    }

    /** {@code last fault}, {@code last swapin} … (the expectation words; swapin = a fault of kind swapin) */
    public boolean has(String word) {
        if (word.equals("swapin")) return count(EventType.SWAP_IN) > 0;
        EventType t = EventType.fromWord(word);
        return t != null && count(t) > 0;
    }
}
