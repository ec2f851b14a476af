package io.cowscope.engine.bench;

import io.cowscope.engine.*;
import io.cowscope.engine.op.*;

import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * The scale workload, once per run: populate 1 GiB (262,144 pages) anon private by writing every page,
 * fork, the child writes every page (262,144 COW copies), the child exits, the parent rewrites every
 * page. Prints JSON with the simulator's times, the retained heap per page at the fork point, the
 * time to go back 10,000 steps and forward again, and the real kernel's figures when given.
 *
 * <p>Run (from /work/wt-engine, after {@code mvn -q -B -o test-compile}; cp.txt from
 * {@code mvn -q -B -o dependency:build-classpath -Dmdep.outputFile=cp.txt -Dmdep.includeScope=test}):
 * <pre>
 * gcc -O2 -o /tmp/kcb /work/shared/tools/kernel_cow_bench.c
 * java -Xmx2g -cp target/test-classes:target/classes:$(cat cp.txt) io.cowscope.engine.bench.ScaleWorkload 262144 5 "$(/tmp/kcb 262144)"
 * </pre>
 * Arguments: pages (262144), runs (5; the first runs warm the JIT), the kernel bench's JSON line (optional).
 */
public final class ScaleWorkload {
    public static void main(String[] args) {
        int pages = args.length > 0 ? Integer.parseInt(args[0]) : 262_144;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        String kernel = args.length > 2 ? args[2] : null;
        double best = Double.MAX_VALUE;
        String bestJson = null;
        for (int r = 0; r < runs; r++) {
            Result res = once(pages, false);
            System.out.println(res.json(r));
            if (res.total < best) {
                best = res.total;
                bestJson = res.json(r);
            }
        }
        Result heap = once(pages, true); // a separate run measures the heap (its GCs would disturb the times)
        System.out.println(heap.json(runs));
        bestJson = bestJson.replace("}", String.format(Locale.ROOT, ",\"heap_run_retained_bytes_per_page_at_fork\":%.1f,\"heap_run_retained_bytes_per_pte_at_fork\":%.1f}",
                heap.bytesPerPage, heap.bytesPerPte));
        TimeTravel tt = timeTravel(10_000);
        System.out.println(String.format(Locale.ROOT,
                "{\"summary\":%s,\"time_travel\":{\"steps\":%d,\"back_to_0_ms\":%.2f,\"forward_to_end_ms\":%.2f,\"random_jumps_avg_ms\":%.3f,\"checkpoints\":%d},\"kernel\":%s}",
                bestJson, tt.steps, tt.backMs, tt.forwardMs, tt.jumpMs, tt.checkpoints, kernel == null || kernel.isBlank() ? "null" : kernel));
    }

    record Result(int pages, double populate, double fork, double childCow, double childExit, double parentWrite, double total,
                  double bytesPerPage, double bytesPerPte, long cows, long reuses) {
        String json(int run) {
            return String.format(Locale.ROOT,
                    "{\"run\":%d,\"pages\":%d,\"populate_s\":%.4f,\"fork_s\":%.4f,\"child_cow_all_s\":%.4f,\"child_exit_s\":%.4f,\"parent_write_after_exit_s\":%.4f,\"total_s\":%.4f,\"retained_bytes_per_page_at_fork\":%.1f,\"retained_bytes_per_pte_at_fork\":%.1f,\"cow\":%d,\"reuse\":%d}",
                    run, pages, populate, fork, childCow, childExit, parentWrite, total, bytesPerPage, bytesPerPte, cows, reuses);
        }
    }

    static long usedAfterGc() {
        var mem = ManagementFactory.getMemoryMXBean();
        long prev = Long.MAX_VALUE, used = 0;
        for (int i = 0; i < 8; i++) {
            System.gc();
            used = mem.getHeapMemoryUsage().getUsed();
            if (used >= prev - 1024) break;
            prev = used;
        }
        return used;
    }

    static Result once(int pages, boolean measureHeap) {
        long base = measureHeap ? usedAfterGc() : 0;
        Machine m = new Machine(MachineConfig.defaults(KernelVersion.LATEST));
        m.apply(new Spawn("parent"));
        m.apply(new ProcessOp("parent", new ProcOp.Mmap("buf", pages, null, false, Prot.RW, false, false)));
        long t0 = System.nanoTime();
        check(m.apply(new ProcessOp("parent", new ProcOp.Write(Target.whole("buf"), "A"))));
        long t1 = System.nanoTime();
        check(m.apply(new ProcessOp("parent", new ProcOp.Fork("child"))));
        long t2 = System.nanoTime();
        double perPage = 0, perPte = 0;
        if (measureHeap) {
            long used = usedAfterGc() - base;
            perPage = used / (double) pages;
            perPte = used / (2.0 * pages);
        }
        long t3 = System.nanoTime();
        check(m.apply(new ProcessOp("child", new ProcOp.Write(Target.whole("buf"), "B"))));
        long t4 = System.nanoTime();
        check(m.apply(new ProcessOp("child", new ProcOp.Exit())));
        long t5 = System.nanoTime();
        check(m.apply(new ProcessOp("parent", new ProcOp.Write(Target.whole("buf"), "C"))));
        long t6 = System.nanoTime();
        Stats st = m.observe().stats();
        double total = ((t2 - t0) + (t6 - t3)) / 1e9;
        return new Result(pages, (t1 - t0) / 1e9, (t2 - t1) / 1e9, (t4 - t3) / 1e9, (t5 - t4) / 1e9, (t6 - t5) / 1e9, total,
                perPage, perPte, st.cow(), st.reuse());
    }

    private static void check(Step s) {
        if (s.error() != null) throw new IllegalStateException(s.error());
    }

    record TimeTravel(int steps, double backMs, double forwardMs, double jumpMs, int checkpoints) {
    }

    /** 10,000 small steps (writes, reads, forks, pins …) then goTo(0) and goTo(end), best of 5 */
    static TimeTravel timeTravel(int n) {
        Timeline tl = new Timeline(MachineConfig.defaults(KernelVersion.LATEST).withCpus(2));
        tl.append(new Spawn("p"));
        tl.append(new ProcessOp("p", new ProcOp.Mmap("buf", 64, null, false, Prot.RW, false, false)));
        int forks = 0;
        java.util.Random r = new java.util.Random(7);
        while (tl.size() < n) {
            int k = r.nextInt(100);
            int i = r.nextInt(64);
            if (k < 60) tl.append(new ProcessOp("p", new ProcOp.Write(Target.page("buf", i), "v" + r.nextInt(5))));
            else if (k < 85) tl.append(new ProcessOp("p", new ProcOp.Read(Target.page("buf", i))));
            else if (k < 90 && forks < 200) {
                String c = "c" + (forks++);
                tl.append(new ProcessOp("p", new ProcOp.Fork(c)));
                tl.append(new ProcessOp(c, new ProcOp.Write(Target.page("buf", i), "child")));
                tl.append(new ProcessOp(c, new ProcOp.Exit()));
            } else if (k < 95) tl.append(new GlobalOp.LruDrain(null));
            else tl.append(new ProcessOp("p", new ProcOp.Cpu(r.nextInt(2))));
        }
        int end = tl.size();
        double back = Double.MAX_VALUE, fwd = Double.MAX_VALUE;
        for (int rep = 0; rep < 5; rep++) {
            long a = System.nanoTime();
            tl.goTo(0);
            long b = System.nanoTime();
            tl.goTo(end);
            long c = System.nanoTime();
            back = Math.min(back, (b - a) / 1e6);
            fwd = Math.min(fwd, (c - b) / 1e6);
        }
        long a = System.nanoTime();
        for (int j = 0; j < 1000; j++) tl.goTo(r.nextInt(end + 1));
        double jump = (System.nanoTime() - a) / 1e6 / 1000;
        return new TimeTravel(end, back, fwd, jump, tl.checkpointCount());
    }
}
