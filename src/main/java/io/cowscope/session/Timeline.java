package io.cowscope.session;

import io.cowscope.engine.EventType;
import io.cowscope.engine.Hazard;
import io.cowscope.engine.KernelStepProbe;
import io.cowscope.engine.KernelVersion;
import io.cowscope.engine.Machine;
import io.cowscope.engine.Snapshot;
import io.cowscope.engine.Step;
import io.cowscope.engine.op.Op;
import io.cowscope.engine.op.Spawn;
import io.cowscope.scenario.Execution;
import io.cowscope.scenario.HeaderLine;
import io.cowscope.scenario.RunResult;
import io.cowscope.scenario.RunResult.ExpectResult;
import io.cowscope.scenario.Scenario;
import io.cowscope.scenario.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ObjIntConsumer;

/**
 * One run of a program under one kernel version, and a cursor that can stand at any of its steps.
 *
 * <p>Step 0 is the machine after the header and the leading {@code process} declarations; step k
 * is the machine after the k-th operation statement after them. The run goes through the
 * language's {@link Execution} once, so expectations are evaluated exactly as {@code cowscope run}
 * does; what is kept per step is small ({@link StepInfo}: the operation, its event counts,
 * hazards, and the expectations evaluated there). Machine states are not kept per step: a deep
 * copy ({@link Machine#copy()}) every {@code interval} steps is, and after any step that took
 * long to run (a populate of 1 GiB), and any other state is the nearest checkpoint before it plus
 * at most {@code interval - 1} replayed operations (the engine is deterministic, so
 * the replay gives the very same {@link Step} records). The full {@link Step} of the cursor's
 * position (kernel steps, events, delta) comes out of that replay: nothing bulky is stored.
 *
 * <p>Not thread-safe: {@link Session} serialises access.
 */
public final class Timeline {

    /** What is kept of one step. {@code expectations} are those evaluated on this step's state. */
    public static final class StepInfo {
        final int step;
        final int line;
        final String source;
        final String caption;
        final Op op;
        final Map<EventType, Integer> eventCounts;
        final List<Hazard> hazards;
        final String error;
        final List<ExpectResult> expectations = new ArrayList<>(0);

        StepInfo(int step, int line, String source, String caption, Op op, Map<EventType, Integer> eventCounts,
                List<Hazard> hazards, String error) {
            this.step = step;
            this.line = line;
            this.source = source;
            this.caption = caption;
            this.op = op;
            this.eventCounts = eventCounts;
            this.hazards = hazards;
            this.error = error;
        }

        public int count(EventType type) {
            Integer n = eventCounts.get(type);
            return n == null ? 0 : n;
        }

        public int line() {
            return line;
        }

        public String source() {
            return source;
        }

        public List<ExpectResult> expectations() {
            return Collections.unmodifiableList(expectations);
        }
    }

    private final KernelVersion kernel;
    private int interval;
    private final int maxCheckpoints;
    private final long checkpointBudget;
    private long checkpointBytes;
    private final List<StepInfo> infos = new ArrayList<>();
    /** step → the machine at that step; never handed out, only copied. Always has step 0. */
    private final TreeMap<Integer, Machine> checkpoints = new TreeMap<>();
    /** the full record of each checkpointed step (bounded by the engine), so a jump there replays nothing */
    private final Map<Integer, Step> records = new java.util.HashMap<>();
    /** a step that took longer than this to run gets a checkpoint of its own */
    static final long COSTLY_NANOS = 20_000_000L;
    private RunResult.RunError error;

    private Machine cursor;
    private int cursorStep;
    private Step cursorRecord;
    /** operations applied (run or replayed) since the last {@link #resetWork()} */
    private long work;

    private Timeline(KernelVersion kernel, Budget budget) {
        this.kernel = kernel;
        this.interval = budget.interval();
        this.maxCheckpoints = Math.max(2, budget.maxCheckpoints());
        this.checkpointBudget = budget.checkpointBytes();
    }

    /**
     * What a run may hold and spend: a checkpoint every {@code interval} steps, at most
     * {@code maxCheckpoints} of them and {@code checkpointBytes} (the engine's estimate) in all,
     * at most {@code maxSteps} steps, loaded within {@code maxRunMillis}.
     */
    public record Budget(int interval, int maxCheckpoints, long checkpointBytes, int maxSteps, long maxRunMillis) {
        static Budget of(SessionProperties p) {
            return new Budget(p.checkpointInterval(), p.maxCheckpoints(), p.checkpointBudgetBytes(), p.maxSteps(),
                    p.maxRunMillis());
        }

        /** generous limits with this checkpoint spacing (tests) */
        public static Budget of(int interval, int maxCheckpoints, int maxSteps) {
            return new Budget(interval, maxCheckpoints, Long.MAX_VALUE, maxSteps, Long.MAX_VALUE);
        }
    }

    /**
     * Runs the program under {@code kernel}.
     *
     * @throws LimitException when it has more than {@code maxSteps} operation steps
     */
    public static Timeline run(List<HeaderLine> header, List<Statement> statements, KernelVersion kernel,
            Budget budget) {
        Timeline t = new Timeline(kernel, budget);
        int maxSteps = budget.maxSteps();
        long started = System.nanoTime();
        long allowed = budget.maxRunMillis() >= Long.MAX_VALUE / 1_000_000L ? Long.MAX_VALUE
                : budget.maxRunMillis() * 1_000_000L;
        Scenario scenario = new Scenario(header, statements, List.of());
        Execution ex = new Execution(scenario, kernel, false);
        Machine m = ex.machine();
        List<ExpectResult> initialExpectations = new ArrayList<>();
        int expectationsSeen = 0;
        boolean leading = true;
        Machine initial = m.copy(); // step 0 until an operation other than a declaration runs
        while (ex.hasNext()) {
            if (System.nanoTime() - started > allowed) {
                throw new LimitException("the run took longer than " + budget.maxRunMillis() + " ms and was stopped"
                        + " after " + Math.max(0, t.steps()) + " steps (cowscope.session.max-run-millis)");
            }
            Deadline.check("while running, after " + Math.max(0, t.steps()) + " steps");
            int before = ex.position();
            long stepStarted = System.nanoTime();
            RunResult.StepResult r = ex.step();
            boolean costly = System.nanoTime() - stepStarted > COSTLY_NANOS;
            if (hasExpect(statements, before, ex.position())) {
                // evaluated on the state before this call's operation: the current step's
                List<ExpectResult> all = ex.expectations();
                List<ExpectResult> into = leading ? initialExpectations : t.last().expectations;
                into.addAll(all.subList(expectationsSeen, all.size()));
                expectationsSeen = all.size();
            }
            if (r == null) {
                break;
            }
            Step s = r.step();
            if (leading && s.op() instanceof Spawn && s.ok()) {
                initial = m.copy(); // declarations make up step 0
                continue;
            }
            if (leading) {
                t.startAt(initial, initialExpectations);
                leading = false;
            }
            t.add(r.line(), r.source(), r.caption(), s, maxSteps);
            if (t.steps() % t.interval == 0 || costly) {
                t.checkpoint(t.steps(), m.copy(), s);
            }
        }
        if (leading) {
            t.startAt(initial, initialExpectations);
        }
        t.error = ex.error();
        t.cursor = t.checkpoints.get(0).copy();
        t.cursorStep = 0;
        return t;
    }

    /**
     * Keeps a checkpoint; past {@code maxCheckpoints} every other one goes and the interval doubles,
     * so a long session holds a bounded number of machine copies (a copy also holds the content
     * table, which grows with every distinct text written) and a jump replays at most
     * steps / (maxCheckpoints / 2) operations.
     */
    private void checkpoint(int step, Machine m, Step record) {
        checkpoints.put(step, m);
        records.put(step, record);
        checkpointBytes += m.estimatedBytes();
        while (checkpoints.size() > 1 && (checkpoints.size() > maxCheckpoints || checkpointBytes > checkpointBudget)) {
            // keep step 0 and the multiples of the doubled interval; extra (costly-step) ones go too
            interval *= 2;
            checkpointBytes = 0;
            var it = checkpoints.entrySet().iterator();
            while (it.hasNext()) {
                var e = it.next();
                int key = e.getKey(); // read before remove: TreeMap may reuse the entry for its successor
                if (key != 0 && key % interval != 0) {
                    it.remove();
                    records.remove(key);
                } else {
                    checkpointBytes += e.getValue().estimatedBytes();
                }
            }
        }
    }

    /** the step of the nearest checkpoint at or before {@code step} */
    public int checkpointAtOrBefore(int step) {
        return checkpoints.floorKey(step);
    }

    /** the engine's estimate of what this run holds: checkpoints, the cursor's machine, per-step facts */
    public long estimatedBytes() {
        return checkpointBytes + (cursor == null ? 0 : cursor.estimatedBytes()) + 160L * infos.size();
    }

    /** the engine's estimate of the checkpoints' size */
    public long checkpointBytes() {
        return checkpointBytes;
    }

    /** steps between checkpoints now */
    public int interval() {
        return interval;
    }

    private static boolean hasExpect(List<Statement> statements, int from, int to) {
        for (int i = from; i < to && i < statements.size(); i++) {
            if (statements.get(i).node() instanceof Statement.Expect) {
                return true;
            }
        }
        return false;
    }

    private void startAt(Machine initial, List<ExpectResult> expectations) {
        StepInfo zero = new StepInfo(0, 0, null, null, null, Map.of(), List.of(), null);
        zero.expectations.addAll(expectations);
        infos.add(zero);
        checkpoints.put(0, initial);
        checkpointBytes = initial.estimatedBytes();
    }

    private void add(int line, String source, String caption, Step s, int maxSteps) {
        if (steps() >= maxSteps) {
            throw new LimitException("the scenario has more than " + maxSteps
                    + " operation steps (cowscope.session.max-steps)");
        }
        infos.add(new StepInfo(infos.size(), line, source, caption, s.op(), s.eventCounts(), s.hazards(), s.error()));
        work++;
    }

    /**
     * Runs operation and say statements after the last step, on the machine of the last step. The
     * caller re-runs the whole program instead when {@link #canExtend} says no (expectations need
     * the language's runner).
     */
    public void extend(List<Statement> added, int firstLine, int maxSteps) {
        moveTo(steps());
        String caption = null;
        int line = firstLine;
        for (Statement st : added) {
            if (st.node() instanceof Statement.Say say) {
                caption = caption == null ? say.text() : caption + "\n" + say.text();
            } else if (st.node() instanceof Statement.Operation op) {
                if (steps() >= maxSteps) {
                    throw new LimitException("the session would have more than " + maxSteps
                            + " operation steps (cowscope.session.max-steps)");
                }
                long stepStarted = System.nanoTime();
                Step s = cursor.apply(op.op());
                boolean costly = System.nanoTime() - stepStarted > COSTLY_NANOS;
                work++;
                cursorStep++;
                cursorRecord = s;
                infos.add(new StepInfo(cursorStep, line, st.source(), caption, s.op(), s.eventCounts(), s.hazards(),
                        s.error()));
                caption = null;
                if (cursorStep % interval == 0 || costly) {
                    checkpoint(cursorStep, cursor.copy(), s);
                }
                if (!s.ok()) {
                    error = new RunResult.RunError(line, 1, st.source(), s.error());
                    return;
                }
            }
            line++;
        }
    }

    /** true when {@link #extend} can run these statements: no run-time error yet, no expectation among them */
    public boolean canExtend(List<Statement> added) {
        return error == null && added.stream().noneMatch(s -> s.node() instanceof Statement.Expect);
    }

    /**
     * Puts the cursor on step {@code k} (0..{@link #steps()}) and returns that step's full record
     * (null for step 0). Cheapest from the step before; otherwise from the nearest checkpoint or
     * the cursor, whichever is closer.
     */
    public Step moveTo(int k) {
        if (k < 0 || k > steps()) {
            throw new IndexOutOfBoundsException("step " + k + " of " + steps());
        }
        if (k == cursorStep && (k == 0 || cursorRecord != null)) {
            return cursorRecord;
        }
        if (k == 0) {
            cursor = checkpoints.get(0).copy();
            cursorStep = 0;
            cursorRecord = null;
            return null;
        }
        Step kept = records.get(k);
        if (kept != null && !(cursorStep == k - 1)) {
            cursor = checkpoints.get(k).copy();
            cursorStep = k;
            cursorRecord = kept;
            return kept;
        }
        int base = checkpoints.floorKey(k - 1);
        // replay from the cursor when it is behind k and no further than a checkpoint would be
        // (a copy costs more than a few operations: it copies the content table too)
        boolean fromCursor = cursorStep < k && (cursorStep >= base || k - cursorStep <= interval);
        if (!fromCursor) {
            cursor = checkpoints.get(base).copy();
            cursorStep = base;
        }
        while (cursorStep < k - 1) {
            cursor.apply(infos.get(++cursorStep).op);
            work++;
        }
        cursorRecord = cursor.apply(infos.get(k).op);
        work++;
        cursorStep = k;
        return cursorRecord;
    }

    /**
     * Calls {@code visit} with the machine at every step from {@code from} to {@code to} (inclusive,
     * ascending), replaying from the checkpoint at or below {@code from}. The machine is a private
     * copy, mutated between calls; the cursor does not move.
     */
    public void replay(int from, int to, ObjIntConsumer<Machine> visit) {
        int base = checkpoints.floorKey(from);
        Machine m = checkpoints.get(base).copy();
        for (int s = base; s <= to; s++) {
            if (s > base) {
                m.apply(infos.get(s).op);
                work++;
            }
            if (s >= from) {
                visit.accept(m, s);
            }
        }
    }

    /**
     * The windowed state at kernel step {@code kernelStep} of step {@code k}: the machine before
     * the step (a private copy, from the nearest checkpoint) runs the step's operation again under
     * a {@link KernelStepProbe}, which snapshots it where kernel step {@code kernelStep + 1}
     * begins, or after the operation when that was the last one. Null for step 0 or a negative
     * kernel step. The engine is deterministic, so the replayed kernel steps are the recorded ones.
     */
    public Snapshot stateAtKernelStep(int k, int kernelStep, Snapshot.Window window) {
        if (k <= 0 || k > steps() || kernelStep < 0) {
            return null;
        }
        Machine[] before = new Machine[1];
        replay(k - 1, k - 1, (m, s) -> before[0] = m);
        Machine m = before[0];
        Snapshot[] at = new Snapshot[1];
        KernelStepProbe.apply(m, infos.get(k).op, i -> {
            if (i == kernelStep + 1) {
                at[0] = m.snapshot(window);
            }
        });
        work++;
        return at[0] != null ? at[0] : m.snapshot(window);
    }

    /** the machine at the cursor; callers only observe it */
    public Machine machine() {
        return cursor;
    }

    public int position() {
        return cursorStep;
    }

    /** number of operation steps (the last step's index) */
    public int steps() {
        return infos.size() - 1;
    }

    public StepInfo info(int k) {
        return infos.get(k);
    }

    public KernelVersion kernel() {
        return kernel;
    }

    /** the run-time error that stopped the run, or null */
    public RunResult.RunError error() {
        return error;
    }

    public long work() {
        return work;
    }

    public void resetWork() {
        work = 0;
    }

    /** checkpoints held (for tests and the memory estimate) */
    public int checkpoints() {
        return checkpoints.size();
    }

    private StepInfo last() {
        return infos.get(infos.size() - 1);
    }
}
