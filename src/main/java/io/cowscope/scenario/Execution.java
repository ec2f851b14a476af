package io.cowscope.scenario;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.cowscope.engine.FileSpec;
import io.cowscope.engine.KernelVersion;
import io.cowscope.engine.Machine;
import io.cowscope.engine.MachineConfig;
import io.cowscope.engine.Step;
import io.cowscope.engine.HugeAnonOrders;
import io.cowscope.engine.ThpMode;
import io.cowscope.engine.op.Op;
import io.cowscope.engine.op.ProcOp;
import io.cowscope.engine.op.ProcessOp;
import io.cowscope.scenario.RunResult.ExpectResult;
import io.cowscope.scenario.RunResult.Outcome;
import io.cowscope.scenario.RunResult.RunError;
import io.cowscope.scenario.RunResult.StepResult;

/**
 * A checked scenario running on a {@link Machine}, one statement at a time (the web layer steps it;
 * {@link #runToEnd()} is the CLI's loop). Expectations are evaluated through the machine's Observer,
 * never changing state; one outside its version range is SKIPPED. {@code say} captions the next step.
 * The first run-time error stops the run: later expectations are NOT_RUN.
 */
public final class Execution {
    private final Scenario scenario;
    private final KernelVersion kernel;
    private final Machine machine;
    private final Expectations expectations;
    private final List<StepResult> steps = new ArrayList<>();
    private final List<ExpectResult> results = new ArrayList<>();
    /** mapping names per process in declaration order, with their sizes: what the state digest looks at */
    private final Map<String, Map<String, Integer>> mappings = new LinkedHashMap<>();
    private final boolean keepSteps;
    private Machine.Detail detail = Machine.Detail.FULL;
    private final java.util.Set<String> rulesCited = new java.util.TreeSet<>();
    private int next;
    private String caption;
    /** asks waiting for their step, the answers so far, predict mode, the session's step number (leading declarations are step 0) */
    private final List<Statement> pendingAsks = new ArrayList<>();
    private final List<Answers.Answer> answers = new ArrayList<>();
    private boolean predict;
    private boolean leading = true;
    private int stepNumber;
    private RunError error;

    /** @param kernel null = the file's kernel line (latest when absent) */
    public Execution(Scenario scenario, KernelVersion kernel) {
        this(scenario, kernel, true);
    }

    /** @param keepSteps false keeps no step results (batch runs of big scenarios) */
    public Execution(Scenario scenario, KernelVersion kernel, boolean keepSteps) {
        this(scenario, config(scenario.header(), kernel != null ? kernel : scenario.header().kernelVersion()), keepSteps);
    }

    /** A run on a machine configured by the caller (e.g. as a real host is: cowscope host). */
    public Execution(Scenario scenario, MachineConfig config, boolean keepSteps) {
        this.scenario = scenario;
        this.kernel = config.kernel();
        this.machine = new Machine(config);
        this.expectations = new Expectations(machine.observe());
        this.keepSteps = keepSteps;
    }

    /** The machine configuration the header describes, for a kernel version. */
    public static MachineConfig config(Header h, KernelVersion v) {
        List<FileSpec> files = new ArrayList<>();
        for (HeaderItem.FileDecl f : h.files()) files.add(new FileSpec(f.name(), f.pages(), f.content()));
        return new MachineConfig(v, h.cpus(), ThpMode.valueOf(h.thp().name()), h.swap(), h.softDirty(), files, null, h.faultAroundBytes(), mthp(h));
    }

    /** the header's mthp lines as the kernel's huge_anon_orders_{always,madvise,inherit}; every other size "never" */
    public static HugeAnonOrders mthp(Header h) {
        HugeAnonOrders o = HugeAnonOrders.NONE;
        for (HeaderItem.Mthp t : h.mthp()) {
            int order = HugeAnonOrders.orderOf(t.kb() * 1024L);
            o = switch (t.mode()) {
                case ALWAYS -> o.with(order, ThpMode.ALWAYS);
                case MADVISE -> o.with(order, ThpMode.MADVISE);
                case INHERIT -> o.with(order, null);
                case NEVER -> o.with(order, ThpMode.NEVER);
            };
        }
        return o;
    }

    /**
     * How much of each step to build (the engine's {@link Machine.Detail}; FULL by default): the command
     * line asks only for what it prints.
     */
    public Execution detail(Machine.Detail d) {
        this.detail = d;
        return this;
    }

    public Machine machine() {
        return machine;
    }

    public KernelVersion kernel() {
        return kernel;
    }

    public boolean hasNext() {
        return error == null && next < scenario.statements().size();
    }

    /** Index of the next statement to run. */
    public int position() {
        return next;
    }

    /**
     * Runs statements up to and including the next operation (say lines and expectations on the way are
     * handled); returns that operation's step, or null when only expectations or says were left.
     */
    public StepResult step() {
        while (hasNext()) {
            Statement st = scenario.statements().get(next++);
            Statement.Node n = st.node();
            if (n instanceof Statement.Say s) {
                caption = caption == null ? s.text() : caption + "\n" + s.text();
            } else if (n instanceof Statement.Expect e) {
                results.add(expectations.evaluate(st, e, kernel));
            } else if (n instanceof Statement.Ask) {
                pendingAsks.add(st);
            } else {
                return apply(st, ((Statement.Operation) n).op());
            }
        }
        return null;
    }

    private StepResult apply(Statement st, Op op) {
        Step step;
        try {
            step = machine.apply(op, detail);
        } catch (RuntimeException e) {
            error = new RunError(st.line(), st.column(), st.source(), "internal engine error: " + e);
            return null;
        }
        StepResult r = new StepResult(st.line(), st.column(), st.source(), caption, step);
        caption = null;
        if (leading && op instanceof io.cowscope.engine.op.Spawn && step.ok()) {
            // declarations before the first operation make up step 0
        } else {
            leading = false;
            stepNumber++;
        }
        answer(st, step);
        if (keepSteps) steps.add(r);
        for (io.cowscope.engine.Event e : step.events()) if (e.rule() != null) rulesCited.add(e.rule().name());
        if (!step.ok()) {
            error = new RunError(st.line(), st.column(), st.source(), step.error());
            return r;
        }
        track(op);
        return r;
    }

    /** The engine's answers to the asks before this step, and in predict mode the automatic "copy or reuse?". */
    private void answer(Statement st, Step step) {
        boolean askedDecision = false;
        for (Statement a : pendingAsks) {
            Statement.Ask ask = (Statement.Ask) a.node();
            askedDecision |= ask.question() instanceof Question.Decision;
            answers.add(Answers.answer(answers.size(), a, ask, false, stepNumber, st, step, machine.observe(), kernel));
        }
        pendingAsks.clear();
        if (predict && !askedDecision && Answers.hasRuledDecision(step)) {
            Statement.Ask auto = new Statement.Ask(null, new Question.Decision(), List.of());
            answers.add(Answers.answer(answers.size(), null, auto, true, stepNumber, st, step, machine.observe(), kernel));
        }
    }

    /**
     * Predict mode: besides the scenario's asks, ask "copy or reuse?" before every step that makes a
     * copy-or-reuse decision under a versioned rule. Set before the first step.
     */
    public Execution predict(boolean on) {
        this.predict = on;
        return this;
    }

    /** The questions answered so far, in order (the asks of the scenario, and predict mode's automatic ones). */
    public List<Answers.Answer> answers() {
        return List.copyOf(answers);
    }

    /** The step number of the last operation: 0 while only leading declarations ran (the session's numbering). */
    public int stepNumber() {
        return stepNumber;
    }

    private void track(Op op) {
        if (op instanceof io.cowscope.engine.op.Spawn s) mappings.put(s.name(), new LinkedHashMap<>());
        if (!(op instanceof ProcessOp po)) return;
        Map<String, Integer> own = mappings.computeIfAbsent(po.proc(), k -> new LinkedHashMap<>());
        if (po.op() instanceof ProcOp.Mmap m) own.put(m.var(), m.pages());
        if (po.op() instanceof ProcOp.Fork f) mappings.put(f.child(), new LinkedHashMap<>(own));
    }

    /** Runs every remaining statement; expectations after a run-time error are NOT_RUN. */
    public RunResult runToEnd() {
        return runWithin(null);
    }

    /**
     * As {@link #runToEnd()}, but stops with a run-time error once {@code budget} has passed (checked
     * between statements): a server's guard against scenarios that are valid but slow (2,000 bulk
     * statements over 2^20 pages). null = no budget.
     */
    public RunResult runWithin(java.time.Duration budget) {
        long deadline = budget == null ? Long.MAX_VALUE : System.nanoTime() + budget.toNanos();
        while (hasNext()) {
            io.cowscope.engine.WorkCheck.poll();
            if (budget != null && System.nanoTime() - deadline > 0) {
                Statement st = scenario.statements().get(next);
                error = new RunError(st.line(), st.column(), st.source(), "time budget of " + budget.toMillis()
                        + " ms exhausted before this statement; the run stopped here");
                next++;
                break;
            }
            step();
        }
        for (int k = next; k < scenario.statements().size(); k++) {
            Statement st = scenario.statements().get(k);
            if (st.node() instanceof Statement.Expect e) {
                results.add(new ExpectResult(st.line(), st.column(), st.source(), Outcome.NOT_RUN,
                        e.range() == null ? null : e.range().toString(), List.of()));
            }
        }
        return result();
    }

    /** The expectations evaluated so far (a live view): what a stepping caller needs, without the digest of {@link #result()}. */
    public List<ExpectResult> expectations() {
        return java.util.Collections.unmodifiableList(results);
    }

    /** The run-time error that stopped the run, or null. */
    public RunError error() {
        return error;
    }

    public RunResult result() {
        return new RunResult(kernel, List.copyOf(steps), List.copyOf(results), error, Digest.of(machine.observe(), mappings, results),
                java.util.Set.copyOf(rulesCited));
    }

    /** Runs a checked scenario under one version (null = the file's kernel line). */
    public static RunResult run(Scenario s, KernelVersion v) {
        return new Execution(s, v).runToEnd();
    }
}
