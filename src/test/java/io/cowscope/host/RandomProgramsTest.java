package io.cowscope.host;

import java.util.Random;

import org.junit.jupiter.api.Test;

import io.cowscope.scenario.Execution;
import io.cowscope.scenario.ScenarioLanguage;

import static org.junit.jupiter.api.Assertions.*;

/** The random programs of cowscope host --random, without a kernel: generation, repair, reproducer expectations. */
class RandomProgramsTest {

    @Test
    void programsAreValidRunnableAndDeterministic() {
        RandomPrograms rp = new RandomPrograms(null, null);
        for (int i = 0; i < 200; i++) {
            String a = rp.generate(new Random(i)), b = rp.generate(new Random(i));
            assertEquals(a, b, "seed " + i);
            ScenarioLanguage.Checked c = ScenarioLanguage.check(a);
            assertTrue(c.ok(), () -> a + c.diagnostics());
            assertNull(Execution.run(c.scenario(), null).error(), a);
            ProbeScript s = ProbeScript.of(c.scenario(), HostLimits.DEFAULT);
            assertTrue(s.skipped().isEmpty(), () -> "every generated operation runs natively: " + s.skipped() + "\n" + a);
        }
    }

    @Test
    void repairDropsRejectedLinesAndCutsAtTheModelsError() {
        assertEquals("process p\np: a = mmap 1\n", RandomPrograms.repair("process p\np: a = mmap 1\np: write nope \"x\"\n"));
        // a read of a dontfork'd mapping kills the child; its next operation is where the program is cut
        String r = RandomPrograms.repair("process p\np: a = mmap 1\np: madvise a dontfork\np: fork c\nc: read a\nc: read a\n");
        assertNotNull(r);
        assertTrue(ScenarioLanguage.check(r).ok());
        assertNull(Execution.run(ScenarioLanguage.check(r).scenario(), null).error(), r);
    }

    @Test
    void theKernelsObservationBecomesAnExpectation() {
        assertEquals("expect p.a[0] pagemap !exclusive\n",
                RandomPrograms.expectation(new RandomPrograms.Disagreement(5, "write", "p.a[0] pagemap exclusive", "yes", "no")));
        assertEquals("expect c.a[1] shares p.a[1]\n",
                RandomPrograms.expectation(new RandomPrograms.Disagreement(5, "fork", "c.a[1] frame", "own frame", "same frame as p.a[1]")));
        assertEquals("expect p.a[0] page mapcount == 2\n",
                RandomPrograms.expectation(new RandomPrograms.Disagreement(5, "fork", "p.a[0] mapcount", "1", "2")));
        assertEquals("expect p.a[0] page lru\n",
                RandomPrograms.expectation(new RandomPrograms.Disagreement(5, "write", "p.a[0] page lru", "no", "yes")));
        assertTrue(RandomPrograms.expectation(new RandomPrograms.Disagreement(5, "read", "step faults", "0", "1")).startsWith("expect last fault"));
        assertEquals("expect c exited\n", RandomPrograms.expectation(new RandomPrograms.Disagreement(5, "exit", "c state", "alive", "exited")));
        assertEquals("write", RandomPrograms.opName("p: write a[0] \"x\""));
        assertEquals("madvise pageout", RandomPrograms.opName("p: madvise a pageout"));
        assertEquals("mmap", RandomPrograms.opName("p: a = mmap 2 shared"));
        assertEquals("dma", RandomPrograms.opName("dma h read"));
    }

    @Test
    void foreignDrainExplainsOnlyAWholeBatchOnTheLru() {
        Fields.Batched f1 = new Fields.Batched(0, 1), f2 = new Fields.Batched(0, 2), f3 = new Fields.Batched(0, 3), f9 = new Fields.Batched(1, 9);
        // f1 entered cpu0's batch at step 0, f2 at step 1, f3 at step 2 (now); f9 waits in cpu1's
        java.util.Map<Fields.Batched, Integer> since = RandomPrograms.since(java.util.Map.of(), java.util.Map.of("p.a[0]", f1), 0);
        since = RandomPrograms.since(since, java.util.Map.of("p.a[0]", f1, "p.a[1]", f2), 1);
        java.util.Map<String, Fields.Batched> now = java.util.Map.of("p.a[0]", f1, "p.a[1]", f2, "p.b[0]", f3, "c.x[0]", f9);
        since = RandomPrograms.since(since, now, 2);
        assertEquals(0, since.get(f1));
        assertEquals(2, since.get(f3));
        // every frame older than f2 is on the LRU in the kernel: a drain from outside after f2 entered
        java.util.Map<String, String> all = java.util.Map.of("p.a[0] page lru", "yes", "p.a[1] page lru", "yes", "p.b[0] page lru", "no");
        assertTrue(RandomPrograms.explainedByForeignDrain("p.a[1]", all, now, since));
        // the drain came between step 0 and step 1: f1 on the LRU, f2 and f3 still waiting
        java.util.Map<String, String> early = java.util.Map.of("p.a[0] page lru", "yes", "p.a[1] page lru", "no", "p.b[0] page lru", "no");
        assertTrue(RandomPrograms.explainedByForeignDrain("p.a[0]", early, now, since));
        // a newer frame on the LRU while an older one still waits: no drain does that
        java.util.Map<String, String> inverted = java.util.Map.of("p.a[0] page lru", "no", "p.a[1] page lru", "yes", "p.b[0] page lru", "no");
        assertFalse(RandomPrograms.explainedByForeignDrain("p.a[1]", inverted, now, since));
        // another CPU's batch does not count; a page the model keeps in no batch is never explained
        assertTrue(RandomPrograms.explainedByForeignDrain("c.x[0]", inverted, now, since));
        assertFalse(RandomPrograms.explainedByForeignDrain("p.z[0]", all, now, since));
    }
}
