package io.cowscope.engine.bench;

import io.cowscope.engine.*;
import io.cowscope.engine.op.*;
import org.openjdk.jmh.annotations.*;

import java.util.concurrent.TimeUnit;

/**
 * JMH: one single-page write step (a copy-on-write fault: {@code child: write buf[i] "x"}, the whole
 * {@link Machine#apply} with its events and delta) in populated, forked mappings of 1 MiB, 64 MiB,
 * 1 GiB and 4 GiB (the language's limit). The step's cost should not depend on the size.
 *
 * <p>Each measured iteration forks a fresh child (not timed) and times {@link #BATCH} write steps of
 * the child to distinct pages, each a copy; the child exits after the iteration (not timed). The
 * score is the time of the batch: divide by {@link #BATCH} for one step.
 * <pre>
 * mvn -q -B -Dfrontend.skip=true test-compile
 * mvn -q -B dependency:build-classpath -Dmdep.outputFile=cp.txt -Dmdep.includeScope=test
 * java -Xmx3g -cp target/test-classes:target/classes:$(cat cp.txt) org.openjdk.jmh.Main WriteStepBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 10, batchSize = WriteStepBenchmark.BATCH)
@Measurement(iterations = 15, batchSize = WriteStepBenchmark.BATCH)
@Fork(value = 1, jvmArgsAppend = {"-Xmx3g"})
public class WriteStepBenchmark {
    static final int BATCH = 200;

    /** 1 MiB, 64 MiB, 1 GiB, 4 GiB */
    @Param({"256", "16384", "262144", "1048576"})
    public int pages;

    Machine m;
    int child;
    int next;

    @Setup(Level.Trial)
    public void populate() {
        m = new Machine(MachineConfig.defaults(KernelVersion.LATEST));
        check(m.apply(new Spawn("parent")));
        check(m.apply(new ProcessOp("parent", new ProcOp.Mmap("buf", pages, null, false, Prot.RW, false, false))));
        check(m.apply(new ProcessOp("parent", new ProcOp.Write(Target.whole("buf"), "A"))));
    }

    @Setup(Level.Iteration)
    public void fork() {
        check(m.apply(new ProcessOp("parent", new ProcOp.Fork("c" + (++child)))));
        next = 0;
    }

    @TearDown(Level.Iteration)
    public void exit() {
        check(m.apply(new ProcessOp("c" + child, new ProcOp.Exit())));
    }

    @Benchmark
    public Step writeOnePage() {
        // spread over the mapping: the first, middle and last pages alike
        int i = (int) ((long) next++ * (pages - 1) / (BATCH - 1));
        Step s = m.apply(new ProcessOp("c" + child, new ProcOp.Write(Target.page("buf", i), "x")));
        if (s.count(EventType.COW) != 1) throw new IllegalStateException("not a copy: " + s.summary());
        return s;
    }

    private static void check(Step s) {
        if (s.error() != null) throw new IllegalStateException(s.error());
    }
}
