package io.cowscope.host;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.cowscope.engine.KernelVersion;
import io.cowscope.engine.MachineConfig;
import io.cowscope.engine.Step;
import io.cowscope.engine.op.Op;
import io.cowscope.host.Observations.StepObs;
import io.cowscope.scenario.Execution;
import io.cowscope.scenario.RunResult;
import io.cowscope.scenario.Scenario;
import io.cowscope.scenario.Statement;

/**
 * One scenario run natively and on the model, side by side: the expectations judged against the
 * kernel, and at every step the fields where model and kernel differ.
 */
public final class HostRun {

    public enum Verdict { PASS, FAIL, UNOBSERVABLE, SKIPPED_RANGE, NOT_NATIVE }

    /** One expectation: its verdict on the kernel (with detail) and the model's outcome. */
    public record Expectation(int line, int column, String source, String range, Verdict verdict, String detail, RunResult.Outcome model) {}

    /**
     * One operation statement's comparison, in statement order: {@code index} is the statement's
     * index in the scenario; {@code kernel} and {@code model} are null when the step was not compared
     * (not run, or after the first operation the probe skipped).
     */
    public record Compared(int index, StepReport report, Map<String, String> kernel, Map<String, String> model) {}

    /** One differing field after a step. */
    public record Difference(String field, String model, String kernel) {}

    /** One operation step: what the kernel did and where the model differs after it. */
    public record StepReport(int line, String source, String kernelOutcome, Integer kernelFaults, List<String> kernelValues,
                             String skipped, List<Difference> differences) {}

    private final Scenario scenario;
    private final ProbeScript script;
    private final Observations kernel;
    private final KernelVersion version;
    private final List<StepReport> steps = new ArrayList<>();
    private final List<Expectation> expectations = new ArrayList<>();
    private final List<Map<String, String>> kernelFields = new ArrayList<>();
    private final List<Map<String, String>> modelFields = new ArrayList<>();
    private final List<Map<String, Fields.Batched>> modelBatches = new ArrayList<>();
    private final List<Compared> compared = new ArrayList<>();
    private String modelError;

    private HostRun(Scenario scenario, ProbeScript script, Observations kernel, KernelVersion version) {
        this.scenario = scenario;
        this.script = script;
        this.kernel = kernel;
        this.version = version;
        compare();
    }

    /** Runs a checked scenario on this machine (via the probe) and on the model at {@code version} (null: this kernel's profile). */
    public static HostRun run(Scenario s, KernelVersion version, Probe probe, HostLimits limits) throws IOException {
        ProbeScript script = ProbeScript.of(s, limits);
        Observations o = probe.run(script.text(), limits.wallTime());
        return new HostRun(s, script, o, version != null ? version : profileOf(o.hello().kernel()));
    }

    /** For tests: the comparison of given observations. */
    static HostRun of(Scenario s, ProbeScript script, Observations o, KernelVersion version) {
        return new HostRun(s, script, o, version);
    }

    /**
     * The model's machine, configured as this host is: soft-dirty as the kernel has it, swap if swap is available,
     * fault_around_bytes as the probe found (or set) it.
     */
    static MachineConfig modelConfig(Scenario s, KernelVersion v, Observations.Hello hello) {
        MachineConfig c = Execution.config(s.header(), v);
        return new MachineConfig(c.kernel(), c.cpus(), c.thp(), hello.swapAvailable(), hello.softDirty(), c.files(), c.lruBatchCapacity(), hello.faultAroundBytes(), c.mthp());
    }

    private void compare() {
        Map<Integer, StepObs> byId = new HashMap<>();
        for (StepObs o : kernel.steps()) byId.put(o.id(), o);
        Execution model = new Execution(scenario, modelConfig(scenario, version, kernel.hello()), true);
        List<Statement> st = scenario.statements();
        StepObs cur = null, prev = null;
        Op lastOp = null;
        String firstSkip = null, firstUnlike = null;
        int fa = scenario.header().faultAroundBytes();
        if (fa != kernel.hello().faultAroundBytes()) {
            // the probe sets /sys/kernel/debug/fault_around_bytes only as root with debugfs mounted
            firstUnlike = "the header (fault_around_bytes " + fa + "; this machine uses " + kernel.hello().faultAroundBytes()
                    + ": /sys/kernel/debug/fault_around_bytes could not be set)";
        }
        if (!scenario.header().mthp().isEmpty() && !"set".equals(kernel.hello().mthp()) && firstUnlike == null) {
            // the probe writes /sys/kernel/mm/transparent_hugepage/hugepages-*kB/enabled only as root, on a 6.8+ kernel
            firstUnlike = "the header (mthp: the mTHP sizes could not be set on this machine: " + kernel.hello().mthp() + ")";
        }
        if ("failed".equals(kernel.hello().hugetlb()) && firstUnlike == null) {
            // the probe grows /proc/sys/vm/nr_hugepages only as root, and the kernel may not find enough free 2 MiB blocks
            firstUnlike = "the header (hugetlb: the 2 MiB pages the scenario needs could not be reserved on this machine)";
        }
        Map<String, String> rawK = new HashMap<>(), rawM = new HashMap<>();
        for (int i = 0; i < st.size(); i++) {
            Statement s = st.get(i);
            if (s.node() instanceof Statement.Operation op) {
                RunResult.StepResult mr = model.hasNext() ? model.step() : null;
                if (mr == null && modelError == null && model.result().error() != null) modelError = model.result().error().message();
                StepObs o = byId.get(i);
                prev = cur;
                cur = o;
                lastOp = op.op();
                String skipped = script.skipped().get(i);
                if (skipped != null && firstSkip == null) firstSkip = "line " + s.line() + " (" + skipped + ")";
                if (firstUnlike == null && !kernel.hello().softDirty() && scenario.header().softDirty()
                        && op.op() instanceof io.cowscope.engine.op.ProcessOp po && po.op() instanceof io.cowscope.engine.op.ProcOp.ClearRefs) {
                    // the model runs as this host is (soft-dirty off) and still compares; the scenario's own expectations assumed it on
                    firstUnlike = "line " + s.line() + " (clear_refs: the scenario assumes CONFIG_MEM_SOFT_DIRTY, which this kernel lacks)";
                }
                List<Difference> diffs = new ArrayList<>();
                Map<String, String> kf = null, mf = null;
                if (o != null && firstSkip == null) {
                    Map<String, String> k = Fields.kernel(script, o, kernel.hello(), rawK);
                    Step step = mr == null ? null : mr.step();
                    Map<String, String> m = Fields.model(script, o, model.machine().observe(), step, k, rawM);
                    kernelFields.add(k);
                    modelFields.add(m);
                    modelBatches.add(Fields.modelBatch(script, o, model.machine().observe()));
                    kf = k;
                    mf = m;
                    for (String key : Fields.differences(k, m)) diffs.add(new Difference(key, m.get(key), k.get(key)));
                }
                StepReport report = new StepReport(s.line(), s.source(), o == null ? "not run" : o.outcome() + (o.detail() == null ? "" : "=" + o.detail()),
                        o == null ? null : o.faults(), o == null ? List.of() : o.values(), skipped, diffs);
                steps.add(report);
                compared.add(new Compared(i, report, kf, mf));
            } else if (s.node() instanceof Statement.Expect e) {
                String range = e.range() == null ? null : e.range().toString();
                Verdict v;
                String detail;
                if (e.range() != null && !e.range().contains(version)) {
                    v = Verdict.SKIPPED_RANGE;
                    detail = "not in " + range;
                } else if (firstSkip != null) {
                    v = Verdict.NOT_NATIVE;
                    detail = "not run natively: the probe skipped " + firstSkip;
                } else if (firstUnlike != null) {
                    v = Verdict.NOT_NATIVE;
                    detail = "this machine differs from the scenario's: " + firstUnlike;
                } else {
                    KernelChecks.Outcome ko = new KernelChecks(script, kernel.hello(), cur, prev, lastOp).evaluate(e);
                    v = ko.result() == KernelChecks.Result.PASS ? Verdict.PASS : ko.result() == KernelChecks.Result.FAIL ? Verdict.FAIL : Verdict.UNOBSERVABLE;
                    detail = ko.detail();
                }
                expectations.add(new Expectation(s.line(), s.column(), s.source(), range, v, detail, null));
            }
        }
        // the model judged its expectations as it stepped (each before the next operation); the rest now
        List<RunResult.ExpectResult> mres = model.runToEnd().expectations();
        for (int j = 0; j < expectations.size(); j++) {
            Expectation e = expectations.get(j);
            RunResult.Outcome mo = j < mres.size() ? mres.get(j).outcome() : RunResult.Outcome.NOT_RUN;
            expectations.set(j, new Expectation(e.line(), e.column(), e.source(), e.range(), e.verdict(), e.detail(), mo));
        }
        if (modelError == null && model.result().error() != null) modelError = model.result().error().message();
    }

    public Scenario scenario() {
        return scenario;
    }

    public ProbeScript script() {
        return script;
    }

    public Observations kernel() {
        return kernel;
    }

    public KernelVersion version() {
        return version;
    }

    public List<StepReport> steps() {
        return List.copyOf(steps);
    }

    public List<Expectation> expectations() {
        return List.copyOf(expectations);
    }

    /** The compared fields after each step that was compared (kernel side, in order). */
    public List<Map<String, String>> kernelFields() {
        return List.copyOf(kernelFields);
    }

    /** Per compared step: the model's present pages that wait in a CPU's LRU-add batch (page name → CPU and frame). */
    public List<Map<String, Fields.Batched>> modelBatches() {
        return List.copyOf(modelBatches);
    }

    public List<Map<String, String>> modelFields() {
        return List.copyOf(modelFields);
    }

    /** Every operation statement with its statement index and, when compared, both sides' fields. */
    public List<Compared> compared() {
        return List.copyOf(compared);
    }

    /** The model's run-time error, if it stopped. */
    public String modelError() {
        return modelError;
    }

    /** Every difference, as "line N: field: model X, kernel Y". */
    public List<String> differences() {
        List<String> out = new ArrayList<>();
        for (StepReport r : steps) {
            for (Difference d : r.differences()) out.add("line " + r.line() + ": " + d.field() + ": model " + d.model() + ", kernel " + d.kernel());
        }
        return out;
    }

    /** The kernel version a host release maps to: the nearest supported profile (6.18.44-foo → 6.18; newer → latest). */
    public static KernelVersion profileOf(String release) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(\\d+)\\.(\\d+)").matcher(release == null ? "" : release);
        if (!m.find()) return KernelVersion.LATEST;
        KernelVersion v = new KernelVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
        if (v.isSupported()) return v;
        if (v.compareTo(KernelVersion.LATEST) > 0) return KernelVersion.LATEST;
        if (v.compareTo(KernelVersion.OLDEST) < 0) return KernelVersion.OLDEST;
        KernelVersion best = KernelVersion.OLDEST;
        for (KernelVersion k : KernelVersion.all()) if (k.compareTo(v) <= 0) best = k;
        return best;
    }

    /** Counts of verdicts, in Verdict order. */
    public Map<Verdict, Integer> tally() {
        Map<Verdict, Integer> m = new LinkedHashMap<>();
        for (Verdict v : Verdict.values()) m.put(v, 0);
        for (Expectation e : expectations) m.merge(e.verdict(), 1, Integer::sum);
        return m;
    }
}
