package io.cowscope.session;

import io.cowscope.engine.Delta;
import io.cowscope.engine.EventType;
import io.cowscope.engine.Hazard;
import io.cowscope.engine.KernelStep;
import io.cowscope.engine.KernelVersion;
import io.cowscope.engine.Snapshot;
import io.cowscope.engine.Step;
import io.cowscope.engine.op.ProcOp;
import io.cowscope.engine.op.ProcessOp;
import io.cowscope.scenario.Header;
import io.cowscope.scenario.HeaderItem;
import io.cowscope.scenario.HeaderLine;
import io.cowscope.scenario.RunResult.ExpectResult;
import io.cowscope.scenario.Scenario;
import io.cowscope.scenario.ScenarioLanguage;
import io.cowscope.scenario.Statement;
import io.cowscope.scenario.Trivia;
import io.cowscope.session.Views.DeltaView;
import io.cowscope.session.Views.DiagnosticsView;
import io.cowscope.session.Views.EventView;
import io.cowscope.session.Views.ExpectView;
import io.cowscope.session.Views.HazardView;
import io.cowscope.session.Views.Notice;
import io.cowscope.session.Views.Position;
import io.cowscope.session.Views.SessionView;
import io.cowscope.session.Views.StatementView;
import io.cowscope.session.Views.WindowView;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One explorer session: a program (the loaded scenario plus appended statements), its run under
 * one kernel ({@link Timeline}), optionally a second run under another kernel stepped in lockstep,
 * and the position. Plain Java; every public method is synchronized because play ticks come from
 * a scheduler thread while requests come from the connection's thread.
 */
public final class Session {

    /** What {@code load} asks for. Null fields mean: the scenario's own header. */
    public record LoadRequest(String text, String kernel, Integer cpus, String thp, Boolean swap, Boolean softDirty,
            String compare) {
    }

    /** A scenario or statement that does not check; nothing changed. */
    public static final class InvalidScenario extends RuntimeException {
        private final transient DiagnosticsView view;

        InvalidScenario(DiagnosticsView view) {
            super("the scenario does not check", null, false, false);
            this.view = view;
        }

        public DiagnosticsView view(Object id) {
            return new DiagnosticsView(view.type(), id, view.context(), view.diagnostics());
        }
    }

    /**
     * Where a session's memory is counted against the server's budget
     * ({@code cowscope.session.memory-budget-percent}). {@link #reserve} comes before work that may
     * allocate (a run), {@link #settle} after it with what the session holds then.
     */
    public interface Memory {
        /** bytes more than the session holds now; throws LimitException when the budget has no room */
        void reserve(long bytes);

        /** the session now holds about this many bytes; reservations end */
        void settle(long bytes);

        Memory NONE = new Memory() {
            @Override
            public void reserve(long bytes) {
            }

            @Override
            public void settle(long bytes) {
            }
        };
    }

    /**
     * What a run of a scenario mapping {@code pages} pages may hold before it is measured: the
     * engine keeps per page a slot in the page arrays and a PTE, in a few machine copies (step 0,
     * checkpoints, the cursor); measured at 60 to 105 bytes per mapped page (issue 14).
     */
    static long plannedBytes(long pages) {
        return 64 * 1024 + 112L * pages;
    }

    private final String token;
    private final SessionProperties limits;
    private final Program program;
    private Memory memory = Memory.NONE;
    /** pages mapped (read without the session's lock: a request's cost is judged before it waits for that lock) */
    private volatile long pages;
    /** steps of the left run, as of the last load, re-run or append (read without the lock, as pages) */
    private volatile int knownSteps;

    private Timeline left;
    private Timeline right;
    private int kernelStep = -1;
    /** the compared kernel's own kernel step: into/out move both kernels, each through its own kernel steps */
    private int rightKernelStep = -1;

    private Consumer<Object> sink = message -> { };
    private ScheduledFuture<?> playing;
    private volatile long lastActivity = System.nanoTime();
    private volatile boolean closed;

    private Session(String token, SessionProperties limits, Scenario scenario, String text) {
        this.token = token;
        this.limits = limits;
        this.program = new Program(scenario, text);
    }

    /**
     * Checks and runs a scenario. Throws {@link InvalidScenario} with the diagnostics when it does
     * not check, {@link SessionException} for a bad kernel or config, {@link LimitException} when it is too big.
     */
    public static Session load(String token, LoadRequest request, SessionProperties limits) {
        return load(token, request, limits, Memory.NONE);
    }

    /**
     * As {@link #load(String, LoadRequest, SessionProperties)}, counting the session's memory in
     * {@code memory}: the planned bytes are reserved before the runs, what it holds is settled after.
     */
    public static Session load(String token, LoadRequest request, SessionProperties limits, Memory memory) {
        ScenarioLanguage.Checked checked = ScenarioLanguage.check(request.text());
        if (!checked.ok()) {
            throw new InvalidScenario(new DiagnosticsView("diagnostics", null, "load",
                    Views.DiagnosticView.of(checked.diagnostics(), 0)));
        }
        Scenario scenario = checked.scenario();
        List<HeaderLine> header = new ArrayList<>(scenario.headerLines());
        overrides(header, request);
        scenario = new Scenario(header, scenario.statements(), List.of());
        long pages = checkPages(scenario, limits);
        KernelVersion kernel = request.kernel() == null ? scenario.header().kernelVersion() : kernel(request.kernel());
        KernelVersion compare = request.compare() == null ? null : kernel(request.compare());
        Session s = new Session(token, limits, scenario, request.text());
        s.pages = pages;
        s.memory = memory;
        memory.reserve(plannedBytes(pages) * (compare == null ? 1 : 2));
        s.left = s.run(kernel);
        if (compare != null) {
            s.right = s.run(compare);
        }
        memory.settle(s.estimatedBytes());
        s.knownSteps = s.left.steps();
        return s;
    }

    /** What a load would cost, judged before running it: pages mapped and operation statements. */
    public record Estimate(long pages, int operations) {
    }

    /**
     * Parses (checks) the text and counts what its run would touch, without running it; null when
     * it does not check (a load then answers diagnostics, which is cheap).
     */
    public static Estimate estimate(LoadRequest request, SessionProperties limits) {
        ScenarioLanguage.Checked checked = ScenarioLanguage.check(request.text());
        if (!checked.ok()) {
            return null;
        }
        Scenario scenario = checked.scenario();
        long pages = 0;
        for (HeaderItem.FileDecl f : scenario.header().files()) {
            pages += f.pages();
        }
        int operations = 0;
        for (Statement st : scenario.statements()) {
            if (st.node() instanceof Statement.Operation op) {
                operations++;
                if (op.op() instanceof ProcessOp po && po.op() instanceof ProcOp.Mmap m) {
                    pages += m.pages();
                }
            }
        }
        int runs = request.compare() == null ? 1 : 2;
        return new Estimate(pages * runs, operations * runs);
    }

    /** pages the session maps; read without waiting for the session's lock */
    public long mappedPages() {
        return pages;
    }

    /** steps of its run as of the last load, re-run or append; read without waiting for the session's lock */
    public int knownSteps() {
        return knownSteps;
    }

    private static void overrides(List<HeaderLine> header, LoadRequest r) {
        // later header lines win (Header.of), so overrides are appended
        if (r.cpus() != null) {
            if (r.cpus() < 1 || r.cpus() > 8) {
                throw new SessionException(SessionException.INVALID, "config.cpus is 1..8, not " + r.cpus());
            }
            header.add(new HeaderLine(new HeaderItem.Cpus(r.cpus()), Trivia.NONE));
        }
        if (r.thp() != null) {
            Header.ThpMode mode = Header.ThpMode.fromWord(r.thp());
            if (mode == null) {
                throw new SessionException(SessionException.INVALID,
                        "config.thp is never, madvise or always, not \"" + r.thp() + "\"");
            }
            header.add(new HeaderLine(new HeaderItem.Thp(mode), Trivia.NONE));
        }
        if (r.swap() != null) {
            header.add(new HeaderLine(new HeaderItem.Swap(r.swap()), Trivia.NONE));
        }
        if (r.softDirty() != null) {
            header.add(new HeaderLine(new HeaderItem.SoftDirty(r.softDirty()), Trivia.NONE));
        }
    }

    static KernelVersion kernel(String text) {
        return KernelVersion.parse(text).orElseThrow(() -> new SessionException(SessionException.INVALID,
                "unknown kernel version \"" + text + "\"; supported: " + KernelVersion.OLDEST + " to "
                        + KernelVersion.LATEST + " (MAJOR.MINOR) or latest"));
    }

    /** about what the session's runs hold (the engine's estimates, plus the program) */
    public synchronized long estimatedBytes() {
        long bytes = 16 * 1024 + 2L * program.text().length();
        if (left != null) {
            bytes += left.estimatedBytes();
        }
        if (right != null) {
            bytes += right.estimatedBytes();
        }
        return bytes + bytes / 4;
    }

    private static long checkPages(Scenario s, SessionProperties limits) {
        long pages = 0;
        for (HeaderItem.FileDecl f : s.header().files()) {
            pages += f.pages();
        }
        for (Statement st : s.statements()) {
            if (st.node() instanceof Statement.Operation op && op.op() instanceof ProcessOp po
                    && po.op() instanceof ProcOp.Mmap m) {
                pages += m.pages();
            }
        }
        if (pages > limits.maxPages()) {
            throw new LimitException("the scenario maps " + pages + " pages, more than the " + limits.maxPages()
                    + " a session may map (cowscope.session.max-pages)");
        }
        return pages;
    }

    private Timeline run(KernelVersion kernel) {
        return run(kernel, program.statements());
    }

    private Timeline run(KernelVersion kernel, List<Statement> statements) {
        return Timeline.run(program.header(), statements, kernel, Timeline.Budget.of(limits));
    }

    // ---------------------------------------------------------------- connection

    public String token() {
        return token;
    }

    /** where play ticks and other unasked messages go */
    public synchronized void attach(Consumer<Object> sink) {
        this.sink = sink;
        touch();
    }

    /** the connection dropped: stop playing, keep everything for a resume */
    public synchronized void detach() {
        stopPlaying();
        this.sink = message -> { };
    }

    public void touch() {
        lastActivity = System.nanoTime();
    }

    /** nanoseconds since the last request */
    public long idleNanos() {
        return System.nanoTime() - lastActivity;
    }

    /** lets the machines go; the session answers nothing afterwards */
    public synchronized void close() {
        stopPlaying();
        closed = true;
        left = null;
        right = null;
        memory.settle(0);
        memory = Memory.NONE;
        sink = message -> { };
    }

    /** sends an unasked message (expired …) to the attached page, if any */
    public synchronized void tell(Object message) {
        sink.accept(message);
    }

    public boolean isClosed() {
        return closed;
    }

    // ---------------------------------------------------------------- the whole session

    public synchronized SessionView view(Object id) {
        open();
        Snapshot.Window w = window();
        List<StatementView> sv = program.views(0, left.steps());
        Snapshot state = left.machine().snapshot(w);
        Deadline.check("while building the state");
        Snapshot compareState = right == null ? null : right.machine().snapshot(w);
        Deadline.check("while building the compare state");
        return new SessionView("session", 1, id, token, left.kernel().toString(),
                right == null ? null : right.kernel().toString(), program.title(), program.description(), program.text(), sv,
                left.steps(), right == null ? null : right.steps(), new Position(left.position(), kernelStep),
                state, compareState, expectations(left),
                right == null ? null : expectations(right), Views.ErrorView.of(left.error()),
                right == null ? null : Views.ErrorView.of(right.error()), Views.Limits.of(limits));
    }

    private static List<ExpectView> expectations(Timeline t) {
        List<ExpectView> out = new ArrayList<>();
        for (int k = 0; k <= t.steps(); k++) {
            for (ExpectResult r : t.info(k).expectations()) {
                out.add(ExpectView.of(k, r));
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- moving

    /** one step forward (+1) or back (-1); at either end the position stays and the answer says so */
    public synchronized DeltaView step(int direction, Object id) {
        begin();
        int k = left.position() + (direction > 0 ? 1 : -1);
        if (k < 0 || k > left.steps()) {
            return here(id, false).withReason(direction > 0 ? "at the end" : "at the start");
        }
        return moveTo(k, id, direction > 0);
    }

    public synchronized DeltaView goTo(int k, Object id) {
        begin();
        if (k < 0 || k > left.steps()) {
            throw new SessionException(SessionException.INVALID,
                    "step " + k + " does not exist; steps are 0.." + left.steps());
        }
        return moveTo(k, id, false);
    }

    /**
     * Next kernel step of this step, in both kernels when comparing (each through its own kernel
     * steps; one that has none left waits at its last); past the last one of both, the next step's first.
     */
    public synchronized DeltaView into(Object id) {
        begin();
        int n = kernelSteps(left), rn = right == null ? 0 : kernelSteps(right);
        if (kernelStep + 1 < n || rightKernelStep + 1 < rn) {
            if (kernelStep + 1 < n) kernelStep++;
            if (rightKernelStep + 1 < rn) rightKernelStep++;
            return here(id, false);
        }
        if (left.position() == left.steps()) {
            return here(id, false).withReason("at the end");
        }
        int k = left.position() + 1;
        left.moveTo(k);
        if (right != null) {
            right.moveTo(Math.min(k, right.steps()));
        }
        kernelStep = kernelSteps(left) > 0 ? 0 : -1;
        rightKernelStep = right != null && right.position() == k && kernelSteps(right) > 0 ? 0 : -1;
        return here(id, true);
    }

    /** to the next kernel step of a shallower depth (leaving the current function), in both kernels; else the whole step */
    public synchronized DeltaView out(Object id) {
        begin();
        kernelStep = out(left, kernelStep);
        if (right != null) rightKernelStep = out(right, rightKernelStep);
        return here(id, false);
    }

    private static int kernelSteps(Timeline t) {
        Step s = t.moveTo(t.position());
        return s == null ? 0 : s.kernelSteps().size();
    }

    private static int out(Timeline t, int at) {
        Step s = t.moveTo(t.position());
        if (s == null || at < 0) return -1;
        List<KernelStep> ks = s.kernelSteps();
        int depth = ks.get(at).depth();
        int k = at + 1;
        while (k < ks.size() && ks.get(k).depth() >= depth) {
            k++;
        }
        return k < ks.size() && depth > 0 ? k : -1;
    }

    /**
     * Runs forward or back to the first step that matches; at the end (or start) when none does.
     * Stops early when the work limit is reached (the answer's reason says "limit").
     */
    public synchronized DeltaView run(int direction, Breakpoint until, Object id) {
        begin();
        int from = left.position();
        int found = -1;
        boolean limited = false;
        if (until instanceof Breakpoint.OnEvent e) {
            for (int k = from + direction; k >= 0 && k <= left.steps(); k += direction) {
                if (left.info(k).count(e.type()) > 0) {
                    found = k;
                    break;
                }
            }
        } else {
            Breakpoint.OnCondition c = (Breakpoint.OnCondition) until;
            int[] result = direction > 0 ? scanForward(c) : scanBack(c);
            found = result[0];
            limited = result[1] != 0;
        }
        int to = found >= 0 ? found : limited ? left.position() : direction > 0 ? left.steps() : 0;
        String reason = found >= 0 ? "breakpoint" : limited ? "limit" : direction > 0 ? "at the end" : "at the start";
        DeltaView d = moveTo(to, id, false).withReason(reason);
        if (limited) {
            throw new LimitedRun(d, "run stopped at step " + to + " after " + limits.maxWorkPerRequest()
                    + " operations without a match (cowscope.session.max-work-per-request)");
        }
        return d;
    }

    /** a run that reached the work limit: the page gets the position and then the error */
    public static final class LimitedRun extends LimitException {
        private final transient DeltaView delta;

        LimitedRun(DeltaView delta, String message) {
            super(message);
            this.delta = delta;
        }

        public DeltaView delta() {
            return delta;
        }
    }

    private int[] scanForward(Breakpoint.OnCondition c) {
        int k = left.position();
        left.moveTo(k);
        Object before = c.read(left.machine());
        while (k < left.steps()) {
            if (left.work() >= limits.maxWorkPerRequest()) {
                return new int[] {-1, 1};
            }
            left.moveTo(++k);
            Object now = c.read(left.machine());
            if (c.holds(now, before)) {
                return new int[] {k, 0};
            }
            before = now;
        }
        return new int[] {-1, 0};
    }

    private int[] scanBack(Breakpoint.OnCondition c) {
        int hi = left.position() - 1;
        while (hi >= 0) {
            if (left.work() >= limits.maxWorkPerRequest()) {
                return new int[] {-1, 1};
            }
            int lo = left.checkpointAtOrBefore(hi);
            int from = Math.max(0, lo - 1);
            Object[] values = new Object[hi - from + 1];
            left.replay(from, hi, (m, s) -> values[s - from] = c.read(m));
            for (int s = hi; s >= lo; s--) {
                Object before = s - 1 >= from ? values[s - 1 - from] : null;
                if ((s > 0 || !"changes".equals(c.op())) && c.holds(values[s - from], before)) {
                    return new int[] {s, 0};
                }
            }
            hi = lo - 1;
        }
        return new int[] {-1, 0};
    }

    private DeltaView moveTo(int k, Object id, boolean forwardOne) {
        kernelStep = -1;
        rightKernelStep = -1;
        left.moveTo(k);
        if (right != null) {
            right.moveTo(Math.min(k, right.steps()));
        }
        return here(id, forwardOne);
    }

    /** the answer for the current position; {@code forwardOne}: a delta instead of a state */
    private DeltaView here(Object id, boolean forwardOne) {
        DeltaView l = side(left, id, forwardOne);
        if (right == null) {
            return l;
        }
        DeltaView r = side(right, null, forwardOne && right.position() == left.position());
        return l.withCompare(r, Diff.between(left, right, window()));
    }

    private DeltaView side(Timeline t, Object id, boolean forwardOne) {
        int k = t.position();
        Step s = t.moveTo(k);
        Timeline.StepInfo info = t.info(k);
        List<ExpectView> ex = new ArrayList<>();
        for (ExpectResult r : info.expectations()) {
            ex.add(ExpectView.of(k, r));
        }
        Snapshot state = forwardOne ? null : t.machine().snapshot(window());
        int ks = t == left ? kernelStep : rightKernelStep;
        if (s == null) {
            return new DeltaView("delta", id, t.kernel().toString(), k, ks, t.steps(), null, null, null, List.of(),
                    List.of(), Map.of(), null, null, null, List.of(), List.of(), ex, null, null, state, null, null,
                    null, null, null);
        }
        // inside a step: the state where that kernel step has left it (the copy appears at wp_page_copy)
        Snapshot atKernelStep = ks >= 0 && ks < s.kernelSteps().size() ? t.stateAtKernelStep(k, ks, window()) : null;
        List<EventView> events = new ArrayList<>(s.events().size());
        s.events().forEach(e -> events.add(EventView.of(e)));
        Map<String, Integer> counts = new LinkedHashMap<>();
        s.eventCounts().forEach((type, n) -> counts.put(type.word, n));
        return new DeltaView("delta", id, t.kernel().toString(), k, ks, t.steps(), info.source(), info.line(),
                info.caption, s.kernelSteps(), events, counts, s.eventsTruncated() ? Boolean.TRUE : null, s.summary(),
                s.value() == null ? null : s.value().text(), s.warnings(), HazardView.of(s.hazards()), ex, s.error(),
                forwardOne ? trim(s.delta()) : null, state, atKernelStep, null, null, null, null);
    }

    private Delta trim(Delta d) {
        int n = limits.maxDeltaPtes();
        if (d.ptes().size() <= n && d.pages().size() <= n && d.created().size() <= n && d.freed().size() <= n) {
            return d;
        }
        return new Delta(head(d.ptes(), n), d.pteChangeCount(), head(d.pteRanges(), n), head(d.pages(), n),
                head(d.created(), n), head(d.freed(), n), d.pageChangeCount(), d.createdCount(), d.freedCount(), true);
    }

    private static <T> List<T> head(List<T> list, int n) {
        return list.size() <= n ? list : List.copyOf(list.subList(0, n));
    }

    Snapshot.Window window() {
        return new Snapshot.Window(null, null, 0, Integer.MAX_VALUE, limits.windowPtes());
    }

    // ---------------------------------------------------------------- play

    /** streams one delta per {@code intervalMs} until the end or {@link #pause} */
    public synchronized void play(int intervalMs, ScheduledExecutorService scheduler, Object id) {
        begin();
        if (intervalMs < limits.minPlayIntervalMs()) {
            throw new LimitException("play speed " + intervalMs + " ms per step is faster than "
                    + limits.minPlayIntervalMs() + " ms (cowscope.session.min-play-interval-ms)");
        }
        if (left.position() >= left.steps()) {
            sink.accept(new Notice("ended", id, left.position(), "at the end"));
            return;
        }
        sink.accept(new Notice("playing", id, left.position(), null));
        playing = scheduler.scheduleAtFixedRate(this::tick, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
    }

    public synchronized Notice pause(Object id) {
        open();
        touch();
        stopPlaying();
        return new Notice("paused", id, left.position(), null);
    }

    private synchronized void tick() {
        if (closed || playing == null) {
            return;
        }
        if (left.position() < left.steps()) {
            left.resetWork();
            sink.accept(moveTo(left.position() + 1, null, true));
        }
        if (left.position() >= left.steps()) {
            stopPlaying();
            sink.accept(new Notice("ended", null, left.position(), "at the end"));
        }
    }

    public synchronized boolean isPlaying() {
        return playing != null;
    }

    private void stopPlaying() {
        if (playing != null) {
            playing.cancel(false);
            playing = null;
        }
    }

    // ---------------------------------------------------------------- changing the program

    /** re-runs under another kernel, keeping the position (clamped to the new run's steps) */
    public synchronized SessionView kernel(String version, Object id) {
        begin();
        KernelVersion v = kernel(version);
        int k = left.position();
        Timeline t;
        memory.reserve(plannedBytes(pages));
        try {
            t = run(v);
        } finally {
            memory.settle(estimatedBytes());
        }
        left = t;
        knownSteps = t.steps();
        memory.settle(estimatedBytes());
        left.moveTo(Math.min(k, left.steps()));
        kernelStep = -1;
        rightKernelStep = -1;
        if (right != null) {
            right.moveTo(Math.min(left.position(), right.steps()));
        }
        return view(id);
    }

    /** the scenario as this session runs it: the header with load's overrides, the loaded and appended statements */
    public synchronized Scenario scenario() {
        open();
        return new Scenario(program.header(), program.statements(), List.of());
    }

    /** the kernel the session's (left) run models */
    public synchronized KernelVersion kernelVersion() {
        open();
        return left.kernel();
    }

    /** starts (or, with null, ends) a second run in lockstep */
    public synchronized SessionView compare(String version, Object id) {
        begin();
        rightKernelStep = -1;
        if (version == null) {
            right = null;
        } else {
            KernelVersion v = kernel(version);
            memory.reserve(plannedBytes(pages));
            Timeline t;
            try {
                t = run(v);
            } finally {
                memory.settle(estimatedBytes());
            }
            right = t;
            right.moveTo(Math.min(left.position(), right.steps()));
        }
        memory.settle(estimatedBytes());
        return view(id);
    }

    /**
     * Checks statements typed by the user in the context of the program, runs them after the last
     * step and moves there. The answer lists the new statements in {@code appended}.
     */
    public synchronized DeltaView append(String added, Object id) {
        begin();
        List<Statement> parsed = program.parse(added);
        long ops = parsed.stream().filter(st -> st.node() instanceof Statement.Operation).count();
        if (left.steps() + ops > limits.maxSteps()) {
            throw new LimitException("the session would have " + (left.steps() + ops) + " steps, more than "
                    + limits.maxSteps() + " (cowscope.session.max-steps)");
        }
        List<Statement> all = new ArrayList<>(program.statements());
        all.addAll(parsed);
        long newPages = checkPages(new Scenario(program.header(), all, List.of()), limits);
        int firstNew = program.statements().size();
        if (left.canExtend(parsed) && (right == null || right.canExtend(parsed))) {
            left.extend(parsed, program.nextLine(), limits.maxSteps());
            if (right != null) {
                right.extend(parsed, program.nextLine(), limits.maxSteps());
            }
        } else {
            // both runs first: a refusal (time, steps, memory) leaves the session as it was
            memory.reserve(plannedBytes(newPages) * (right == null ? 1 : 2));
            Timeline l, r;
            try {
                l = run(left.kernel(), all);
                r = right == null ? null : run(right.kernel(), all);
            } finally {
                memory.settle(estimatedBytes());
            }
            left = l;
            right = r;
        }
        pages = newPages;
        knownSteps = left.steps();
        program.add(parsed, added);
        memory.settle(estimatedBytes());
        DeltaView d = moveTo(left.steps(), id, false);
        return d.withAppended(program.views(firstNew, left.steps()));
    }

    // ---------------------------------------------------------------- windows

    public synchronized WindowView window(String proc, String var, int first, int last, Object id) {
        open();
        touch();
        if (first < 0 || last < first) {
            throw new SessionException(SessionException.INVALID, "a window is first..last with 0 <= first <= last");
        }
        if ((long) last - first + 1 > limits.maxWindowPtes()) {
            throw new LimitException("a window of " + ((long) last - first + 1) + " pages is larger than "
                    + limits.maxWindowPtes() + " (cowscope.session.max-window-ptes)");
        }
        try {
            int pages = left.machine().observe().mappingPages(proc, var);
            if (first >= pages) {
                throw new SessionException(SessionException.INVALID,
                        proc + "." + var + " has " + pages + " pages; first must be below that");
            }
        } catch (IllegalArgumentException e) {
            throw new SessionException(SessionException.INVALID, "no mapping " + proc + "." + var + " at step "
                    + left.position() + ": " + e.getMessage());
        }
        Snapshot.Window w = new Snapshot.Window(proc, var, first, last, limits.maxWindowPtes());
        Snapshot r = null;
        if (right != null) {
            try {
                right.machine().observe().mappingPages(proc, var);
                r = right.machine().snapshot(w);
            } catch (IllegalArgumentException e) {
                r = null;
            }
        }
        return new WindowView("window", id, left.position(), proc, var, first, last, left.machine().snapshot(w), r);
    }

    /** one character per page of proc.var[first..last] (clamped to the mapping) at the current step */
    public synchronized Views.StripView strip(String proc, String var, int first, int last, Object id) {
        open();
        touch();
        if (first < 0 || last < first) {
            throw new SessionException(SessionException.INVALID, "a strip is first..last with 0 <= first <= last");
        }
        if ((long) last - first + 1 > limits.maxStripPages()) {
            throw new LimitException("a strip of " + ((long) last - first + 1) + " pages is longer than "
                    + limits.maxStripPages() + " (cowscope.session.max-strip-pages)");
        }
        int pages;
        String l;
        try {
            pages = left.machine().observe().mappingPages(proc, var);
            last = Math.min(last, pages - 1);
            if (first > last) {
                throw new SessionException(SessionException.INVALID,
                        proc + "." + var + " has " + pages + " pages; first must be below that");
            }
            l = left.machine().observe().pteStrip(proc, var, first, last);
        } catch (IllegalArgumentException e) {
            throw new SessionException(SessionException.INVALID, "no mapping " + proc + "." + var + " at step "
                    + left.position() + ": " + e.getMessage());
        }
        String r = null;
        if (right != null) {
            try {
                r = right.machine().observe().pteStrip(proc, var, first, last);
            } catch (IllegalArgumentException e) {
                r = null;
            }
        }
        return new Views.StripView("strip", id, left.position(), proc, var, first, last, pages, l, r);
    }

    // ---------------------------------------------------------------- helpers

    private void open() {
        if (closed) {
            throw new SessionException(SessionException.NO_SESSION, "the session is closed; load a scenario");
        }
    }

    /** every request that moves or changes: stops play, counts work afresh */
    private void begin() {
        open();
        touch();
        stopPlaying();
        left.resetWork();
        if (right != null) {
            right.resetWork();
        }
    }

    public synchronized int position() {
        return left.position();
    }

    public synchronized int steps() {
        return left.steps();
    }

    static List<Hazard> hazardsAt(Timeline t) {
        return t.info(t.position()).hazards;
    }

    static Map<EventType, Integer> countsAt(Timeline t) {
        return t.info(t.position()).eventCounts;
    }
}
