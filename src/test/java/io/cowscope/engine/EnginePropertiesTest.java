package io.cowscope.engine;

import io.cowscope.engine.op.Op;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Random operation sequences in every era never throw and never break an invariant; replay is
 * deterministic and time travel lands on the same state.
 *
 * <p>Seeded JUnit generators with shrinking ({@link SeededProperty}): a normal run checks 200 random
 * sequences (and 60 replays) from a fresh seed; a failure prints the seed, and
 * {@code -Dcowscope.seed=N} replays it. The long run checks 10,000 sequences (and 1,000 replays):
 * {@code mvn -q -B test -Dtest='io.cowscope.engine.EnginePropertiesTest' -Dcowscope.tries=10000}
 */
class EnginePropertiesTest {
    /** -Dcowscope.tries=N: N random sequences instead of 200 (and N/10 replays instead of 60) */
    static final int TRIES = Integer.getInteger("cowscope.tries", 0);

    /** One generated case: a kernel, a machine variant, the operation code list, a time-travel target. */
    record Case(KernelVersion v, int variant, List<Integer> code, int target) {
        @Override
        public String toString() {
            return "kernel " + v + ", variant " + variant + ", target " + target + ", code (" + code.size() + ") " + code;
        }
    }

    static SeededProperty<Case> cases(String name, int minCode, int maxCode) {
        return new SeededProperty<>(name, r -> generate(r, minCode, maxCode), c -> shrink(c, minCode));
    }

    static Case generate(Random r, int minCode, int maxCode) {
        List<KernelVersion> all = KernelVersion.all();
        KernelVersion v = all.get(r.nextInt(all.size()));
        int variant = r.nextInt(105);
        int n = minCode + r.nextInt(maxCode - minCode + 1);
        List<Integer> code = new ArrayList<>(n);
        for (int i = 0; i < n; i++) code.add(r.nextInt(10_001));
        return new Case(v, variant, List.copyOf(code), r.nextInt(1001));
    }

    /** Shorter code first, then smaller code values, a smaller variant, an earlier target, an older kernel. */
    static List<Case> shrink(Case c, int minCode) {
        List<Case> out = new ArrayList<>();
        for (List<Integer> code : SeededProperty.shrinkList(c.code, minCode, x -> SeededProperty.shrinkInt(x, 0)))
            out.add(new Case(c.v, c.variant, List.copyOf(code), c.target));
        for (int x : SeededProperty.shrinkInt(c.variant, 0)) out.add(new Case(c.v, x, c.code, c.target));
        for (int x : SeededProperty.shrinkInt(c.target, 0)) out.add(new Case(c.v, c.variant, c.code, x));
        List<KernelVersion> all = KernelVersion.all();
        for (int x : SeededProperty.shrinkInt(all.indexOf(c.v), 0)) out.add(new Case(all.get(x), c.variant, c.code, c.target));
        return out;
    }

    @Test
    void randomSequencesKeepInvariants() {
        cases("randomSequencesKeepInvariants", 4, 240).check(SeededProperty.seed(), TRIES > 0 ? TRIES : 200,
                c -> runChecked(c.v, c.variant, c.code));
    }

    @Test
    void replayIsDeterministicAndTimeTravelLandsOnTheSameState() {
        cases("replayIsDeterministicAndTimeTravelLandsOnTheSameState", 8, 200).check(SeededProperty.seed(),
                TRIES > 0 ? Math.max(60, TRIES / 10) : 60, EnginePropertiesTest::replayMatches);
    }

    private static void runChecked(KernelVersion v, int variant, List<Integer> code) {
        Machine m = new Machine(RandomOps.config(v, variant));
        RandomOps.run(m, code, op -> {
            Step s = assertDoesNotThrow(() -> m.apply(op));
            assertNotNull(s);
            if (s.error() != null) assertFalse(s.error().startsWith("internal error"), () -> op + " at " + v + ": " + s.error());
            var vs = m.checkInvariants();
            assertTrue(vs.isEmpty(), () -> "after " + op + " at " + v + " (variant " + variant + "): " + vs);
        });
        assertDoesNotThrow(() -> m.snapshot());
    }

    private static void replayMatches(Case c) {
        MachineConfig config = RandomOps.config(c.v, c.variant);
        Timeline tl = new Timeline(config, 8);
        List<Op> ops = RandomOps.run(tl.machine(), c.code, tl::append);
        int n = c.target % (ops.size() + 1);
        Machine ref = new Machine(config);
        for (int i = 0; i < n; i++) {
            Step s = ref.apply(ops.get(i));
            assertEquals(tl.step(i).summary(), s.summary());
            assertEquals(tl.step(i).events(), s.events());
        }
        tl.goTo(n);
        assertEquals(ref.snapshot(), tl.machine().snapshot());
        tl.goTo(ops.size());
        tl.goTo(n);
        assertEquals(ref.snapshot(), tl.machine().snapshot());
    }
}
