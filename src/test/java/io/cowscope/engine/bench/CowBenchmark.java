package io.cowscope.engine.bench;

import io.cowscope.engine.*;
import io.cowscope.engine.op.*;
import org.openjdk.jmh.annotations.*;

import java.util.concurrent.TimeUnit;

/**
 * JMH: how long the engine takes for the scale workload's phases and for time travel.
 *
 * <p>Run from /work/wt-engine (the annotation processor generates the JMH metadata at test-compile):
 * <pre>
 * mvn -q -B -o test-compile
 * mvn -q -B -o dependency:build-classpath -Dmdep.outputFile=cp.txt -Dmdep.includeScope=test
 * java -cp target/test-classes:target/classes:$(cat cp.txt) org.openjdk.jmh.Main 'io.cowscope.engine.bench.CowBenchmark' -f 1 -wi 2 -i 3 -p pages=262144
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 3)
@Fork(1)
public class CowBenchmark {
    @Param({"262144"})
    public int pages;

    Machine populated;
    Machine forked;
    Timeline timeline;

    @Setup(Level.Invocation)
    public void setup() {
        populated = new Machine(MachineConfig.defaults(KernelVersion.LATEST));
        populated.apply(new Spawn("parent"));
        populated.apply(new ProcessOp("parent", new ProcOp.Mmap("buf", pages, null, false, Prot.RW, false, false)));
        populated.apply(new ProcessOp("parent", new ProcOp.Write(Target.whole("buf"), "A")));
        forked = populated.copy();
        forked.apply(new ProcessOp("parent", new ProcOp.Fork("child")));
    }

    @Setup(Level.Trial)
    public void setupTimeline() {
        timeline = new Timeline(MachineConfig.defaults(KernelVersion.LATEST));
        timeline.append(new Spawn("p"));
        timeline.append(new ProcessOp("p", new ProcOp.Mmap("buf", 64, null, false, Prot.RW, false, false)));
        for (int i = 0; timeline.size() < 10_000; i++)
            timeline.append(new ProcessOp("p", new ProcOp.Write(Target.page("buf", i % 64), "v" + (i % 7))));
    }

    @Benchmark
    public Step populate() {
        Machine m = new Machine(MachineConfig.defaults(KernelVersion.LATEST));
        m.apply(new Spawn("parent"));
        m.apply(new ProcessOp("parent", new ProcOp.Mmap("buf", pages, null, false, Prot.RW, false, false)));
        return m.apply(new ProcessOp("parent", new ProcOp.Write(Target.whole("buf"), "A")));
    }

    @Benchmark
    public Step fork() {
        return populated.apply(new ProcessOp("parent", new ProcOp.Fork("child")));
    }

    @Benchmark
    public Step childCowsEveryPage() {
        return forked.apply(new ProcessOp("child", new ProcOp.Write(Target.whole("buf"), "B")));
    }

    @Benchmark
    public int backAndForth10000() {
        timeline.goTo(0);
        timeline.goTo(timeline.size());
        return timeline.position();
    }
}
