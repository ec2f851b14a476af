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
        java.util.Map<String, Integer> before = java.util.Map.of("p.a[0]", 0, "p.a[1]", 0);
        java.util.Map<String, Integer> now = java.util.Map.of("p.a[0]", 0, "p.a[1]", 0, "p.b[0]", 0, "c.x[0]", 1);
        // every page that waited in cpu0's batch before the step is on the LRU in the kernel: a drain from outside
        java.util.Map<String, String> all = java.util.Map.of("p.a[0] page lru", "yes", "p.a[1] page lru", "yes", "p.b[0] page lru", "no");
        assertTrue(RandomPrograms.explainedByForeignDrain("p.a[0]", all, now, before));
        assertTrue(RandomPrograms.explainedByForeignDrain("p.a[1]", all, now, before));
        // only one of the two older pages on the LRU: no drain empties part of a batch
        java.util.Map<String, String> part = java.util.Map.of("p.a[0] page lru", "yes", "p.a[1] page lru", "no", "p.b[0] page lru", "no");
        assertFalse(RandomPrograms.explainedByForeignDrain("p.a[0]", part, now, before));
        // a page added during the step may have been drained mid-step, if the older ones were
        java.util.Map<String, String> mid = java.util.Map.of("p.a[0] page lru", "yes", "p.a[1] page lru", "yes", "p.b[0] page lru", "yes");
        assertTrue(RandomPrograms.explainedByForeignDrain("p.b[0]", mid, now, before));
        // another CPU's batch does not count; a page the model keeps in no batch is never explained
        assertTrue(RandomPrograms.explainedByForeignDrain("c.x[0]", part, now, before));
        assertFalse(RandomPrograms.explainedByForeignDrain("p.z[0]", all, now, before));
    }
}
