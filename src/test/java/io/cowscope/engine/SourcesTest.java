package io.cowscope.engine;

import io.cowscope.engine.op.ProcOp;
import io.cowscope.engine.op.ProcessOp;
import io.cowscope.engine.op.Prot;
import io.cowscope.engine.op.Spawn;
import io.cowscope.engine.op.Target;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.cowscope.engine.Machine.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The refcount sources found from a hint (an index where the page may be mapped) are exactly those a
 * walk of every page table and holder finds, in the same order, whatever the hint: right, wrong or
 * none; and so are a step's delta pages and a snapshot's pages.
 */
class SourcesTest {
    @Test
    void hintedSourcesEqualTheFullWalkAfterEveryStepOfRandomSequences() {
        Random r = new Random(16);
        List<KernelVersion> all = KernelVersion.all();
        int checked = 0;
        for (int t = 0; t < 250; t++) {
            KernelVersion v = all.get(r.nextInt(all.size()));
            int variant = r.nextInt(105);
            List<Integer> code = new ArrayList<>();
            int n = 8 + r.nextInt(200);
            for (int i = 0; i < n; i++) code.add(r.nextInt(10_001));
            Machine m = new Machine(RandomOps.config(v, variant));
            int[] count = {0};
            RandomOps.run(m, code, op -> {
                Step s = m.apply(op);
                count[0] += compareAll(m, r);
                if (s.delta() != null) for (PageView p : s.delta().pages())
                    assertEquals(Sources.walked(m, (int) p.pfn()), p.sources(), () -> "delta page " + p.pfn() + " after " + op + " at " + v);
            });
            for (PageView p : m.snapshot().pages())
                if (p.pfn() != ZERO_PFN) assertEquals(Sources.walked(m, (int) p.pfn()), p.sources(), () -> "snapshot page " + p.pfn() + " at " + v);
            checked += count[0];
        }
        assertTrue(checked > 10_000, "compared " + checked + " pages");
    }

    @Test
    void keptCountsAndRangesEqualARecountAfterEveryStepOfRandomSequences() {
        Random r = new Random(17);
        List<KernelVersion> all = KernelVersion.all();
        int checked = 0;
        for (int t = 0; t < 200; t++) {
            KernelVersion v = all.get(r.nextInt(all.size()));
            int variant = r.nextInt(105);
            List<Integer> code = new ArrayList<>();
            int n = 8 + r.nextInt(200);
            for (int i = 0; i < n; i++) code.add(r.nextInt(10_001));
            Machine m = new Machine(RandomOps.config(v, variant));
            Machine[] copy = {m.copy()};
            int[] count = {0};
            RandomOps.run(m, code, op -> {
                m.apply(op);
                count[0] += recount(m);
                if (r.nextInt(8) == 0) copy[0] = m.copy(); // copies keep their counts
                recount(copy[0]);
            });
            checked += count[0];
        }
        assertTrue(checked > 5_000, "recounted " + checked + " mappings");
    }

    /** the kept counts and flag ranges of every mapping against a walk of its PTEs */
    private static int recount(Machine m) {
        int n = 0;
        for (Proc p : m.procs)
            for (Vma mp : p.maps.values()) {
                int present = 0, writable = 0, swapped = 0, zero = 0, none = 0, pmd = 0;
                List<Snapshot.VmaRange> ranges = new ArrayList<>();
                int rs = 0;
                for (int i = 0; i < mp.n; i++) {
                    long v = mp.pte(i);
                    if ((v & P_PRESENT) != 0) {
                        present++;
                        if ((v & P_WRITE) != 0) writable++;
                        if ((v & P_ZERO) != 0) zero++;
                        if ((v & P_PMD) != 0) pmd++;
                    } else if ((v & P_SWAP) != 0) swapped++;
                    else none++;
                    if (i == mp.n - 1 || ((mp.pte(i + 1) ^ v) & VM_MASK) != 0) {
                        if (ranges.size() < 256) ranges.add(rangeOf(rs, i, v));
                        rs = i + 1;
                    }
                }
                String where = p.name + "." + mp.name;
                assertEquals(new Snapshot.Counts(present, writable, swapped, zero, none, pmd), mp.pt.counts(), where);
                assertEquals(ranges, Snapshots.ranges(mp), where);
                n++;
            }
        return n;
    }

    private static Snapshot.VmaRange rangeOf(int a, int b, long v) {
        List<String> flags = new ArrayList<>();
        if ((v & V_DONTCOPY) != 0) flags.add("dontfork");
        if ((v & V_WIPEONFORK) != 0) flags.add("wipeonfork");
        if ((v & V_MERGEABLE) != 0) flags.add("mergeable");
        if ((v & V_UFFD_WP) != 0) flags.add("uffd_wp");
        if ((v & V_SOFTDIRTY) != 0) flags.add("softdirty");
        if ((v & V_HUGEPAGE) != 0) flags.add("hugepage");
        if ((v & V_NOHUGEPAGE) != 0) flags.add("nohugepage");
        String prot = (v & V_WRITE) != 0 ? "rw" : (v & V_READ) != 0 ? "ro" : "none";
        return new Snapshot.VmaRange(a, b, (v & V_MAPPED) != 0, prot, flags);
    }

    /** every live page, hinted by each index that maps it, by a wrong index and by none */
    private static int compareAll(Machine m, Random r) {
        int n = 0;
        for (int pfn = 1; pfn < m.pages.npfn; pfn++) {
            if (m.has(pfn, PG_FREE)) continue;
            List<RefSource> ref = Sources.walked(m, pfn);
            final int f = pfn;
            assertEquals(ref, Sources.of(m, pfn, -1), () -> "no hint, pfn " + f);
            assertEquals(ref, Sources.of(m, pfn, r.nextInt(64)), () -> "random hint, pfn " + f);
            for (Proc p : m.procs)
                for (Vma mp : p.maps.values())
                    for (int i = 0; i < mp.n; i++) {
                        long v = mp.pte(i);
                        if ((v & P_PRESENT) != 0 && (v & PFN_MASK) == pfn) {
                            final int idx = i;
                            assertEquals(ref, Sources.of(m, pfn, i), () -> "hint " + idx + ", pfn " + f);
                        }
                    }
            int sum = 0;
            for (RefSource s : ref) sum += s.count();
            assertEquals(m.rc(m.head(pfn)), sum, () -> "refcount of pfn " + f);
            n++;
        }
        return n;
    }

    @Test
    void aPageMappedAtTwoIndicesIsFoundByTheWalk() {
        // two pages of one mapping with the same content merged by KSM: one pfn at two indices
        Machine m = new Machine(MachineConfig.defaults(KernelVersion.LATEST));
        m.apply(new Spawn("p"));
        m.apply(new ProcessOp("p", new ProcOp.Mmap("a", 8, null, false, Prot.RW, false, false)));
        m.apply(new ProcessOp("p", new ProcOp.Write(Target.whole("a"), "same")));
        m.apply(new ProcessOp("p", new ProcOp.Madvise(Target.whole("a"), io.cowscope.engine.op.Advice.MERGEABLE)));
        m.apply(new io.cowscope.engine.op.GlobalOp.Ksmd(2));
        long pfn = m.observe().pte("p", "a", 3).pfn();
        List<RefSource> s = Sources.of(m, (int) pfn, 3);
        assertEquals(Sources.walked(m, (int) pfn), s);
        assertTrue(s.stream().filter(x -> x.kind().equals("mapping")).count() > 1, () -> "merged: " + s);
    }
}
