package io.cowscope.session.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.cowscope.engine.KernelVersion;
import io.cowscope.host.HostLimitException;
import io.cowscope.host.HostLimits;
import io.cowscope.host.HostRun;
import io.cowscope.host.Observations;
import io.cowscope.host.Probe;
import io.cowscope.scenario.Scenario;
import io.cowscope.session.LimitException;
import io.cowscope.session.Session;
import io.cowscope.session.SessionException;
import io.cowscope.web.socket.HostOffer;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import org.springframework.stereotype.Component;

/**
 * The page's way to {@code cowscope host} (docs/host.md "In the page"): runs a session's scenario
 * with the native probe under {@code cowscope.host.*} limits and answers with each operation
 * step's observable fields, the model's values where they differ, and what cannot be observed.
 * A thin adapter: the run and the comparison are {@link HostRun}'s, as on the command line.
 */
@Component
public class HostRunner implements HostOffer {
    private final HostProperties properties;
    private final Semaphore runs;
    private Probe probe;

    public HostRunner(HostProperties properties) {
        this.properties = properties;
        this.runs = new Semaphore(properties.maxConcurrentRuns());
    }

    @Override
    public String machine() {
        if (!properties.enabled() || Probe.unsupportedReason() != null) {
            return null;
        }
        return "Linux " + System.getProperty("os.version", "?");
    }

    /** What the kernel showed after one operation statement. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record HostStep(int index, int line, String source, String outcome, Integer faults, List<String> values,
            String skipped, Map<String, String> kernel, Map<String, String> model, List<String> differs) {
    }

    /** The answer to {@code host}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record HostView(String type, int v, Object id, String machine, String model, boolean root, boolean pfns,
            String swap, boolean softDirty, List<String> unobservable, List<String> notes, List<HostStep> steps,
            int differences) {
    }

    /** Runs the session's scenario natively; refuses when off, busy or past a limit, naming the property. */
    public HostView run(Session session, Object id) {
        checkEnabled();
        if (!runs.tryAcquire()) {
            throw new LimitException("a native run is under way (cowscope.host.max-concurrent-runs=" + properties.maxConcurrentRuns()
                    + "); try again when it has finished");
        }
        try {
            Scenario scenario = session.scenario();
            KernelVersion kernel = session.kernelVersion();
            HostLimits limits = new HostLimits(properties.maxPages(), properties.maxPages(), properties.maxProcesses(),
                    properties.maxSteps(), Duration.ofMillis(properties.maxRunMillis()));
            HostRun run;
            try {
                run = HostRun.run(scenario, kernel, probe(), limits);
            } catch (HostLimitException e) {
                throw new LimitException(e.getMessage() + " (" + property(e.getMessage()) + ")");
            } catch (IOException e) {
                throw new SessionException(SessionException.INVALID, "the native run failed: " + e.getMessage());
            }
            return view(run, id);
        } finally {
            runs.release();
        }
    }

    /** refuses with {@code disabled} when this server does not run scenarios natively */
    public void checkEnabled() {
        if (!properties.enabled()) {
            throw new SessionException(SessionException.DISABLED, "running scenarios on this machine's kernel is disabled on this"
                    + " server (cowscope.host.enabled=false)");
        }
        String why = Probe.unsupportedReason();
        if (why != null) {
            throw new SessionException(SessionException.DISABLED, why + "; running scenarios natively is unavailable here");
        }
    }

    private synchronized Probe probe() throws IOException {
        if (probe == null) {
            probe = Probe.locate();
        }
        return probe;
    }

    private static String property(String message) {
        if (message.contains("wall time")) {
            return "cowscope.host.max-run-millis";
        }
        if (message.contains("operation steps")) {
            return "cowscope.host.max-steps";
        }
        if (message.contains("processes")) {
            return "cowscope.host.max-processes";
        }
        return "cowscope.host.max-pages";
    }

    HostView view(HostRun run, Object id) {
        Observations.Hello hello = run.kernel().hello();
        List<HostStep> steps = new ArrayList<>();
        int fields = 0;
        int differences = 0;
        for (HostRun.Compared c : run.compared()) {
            HostRun.StepReport r = c.report();
            Map<String, String> model = null;
            List<String> differs = null;
            if (c.kernel() != null) {
                fields += c.kernel().size();
                if (fields > properties.maxObservations()) {
                    throw new LimitException("the native run observed more than " + properties.maxObservations()
                            + " fields (cowscope.host.max-observations); map fewer pages or run fewer steps");
                }
                model = new LinkedHashMap<>();
                differs = new ArrayList<>();
                for (HostRun.Difference d : r.differences()) {
                    differs.add(d.field());
                    model.put(d.field(), d.model() == null ? "(none)" : d.model());
                }
                differences += differs.size();
            }
            steps.add(new HostStep(c.index(), r.line(), r.source(), r.kernelOutcome(), r.kernelFaults(), r.kernelValues(), r.skipped(),
                    c.kernel(), model, differs));
        }
        List<String> unobservable = new ArrayList<>(List.of("refcount", "pincount", "PageAnonExclusive (kpageflags does not export it)",
                "PTE write, dirty and young bits", "which frame a pin or a pipe buffer holds", "hazards", "events (the kernel's decisions)"));
        if (!hello.pfns()) {
            unobservable.add("frames and sharing (pagemap hides pfns without CAP_SYS_ADMIN)");
        }
        if (!hello.kpage()) {
            unobservable.add("mapcount and page flags (/proc/kpagecount and /proc/kpageflags need root)");
        }
        List<String> notes = new ArrayList<>();
        notes.add("model " + run.version() + " configured as this machine: swap " + (hello.swapAvailable() ? "on" : "off")
                + ", soft-dirty " + (hello.softDirty() ? "on" : "off"));
        if (run.modelError() != null) {
            notes.add("the model stopped: " + run.modelError());
        }
        for (HostRun.Compared c : run.compared()) {
            if (c.report().skipped() != null) {
                notes.add("line " + c.report().line() + " is not run natively (" + c.report().skipped() + "); later steps are not compared");
                break;
            }
        }
        return new HostView("host", 1, id, "Linux " + hello.kernel(), run.version().toString(), hello.root(), hello.pfns(), hello.swap(),
                hello.softDirty(), unobservable, notes, steps, differences);
    }
}
