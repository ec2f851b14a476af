package io.cowscope.engine;

import io.cowscope.engine.op.Op;
import net.jqwik.api.*;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Random operation sequences in every era never throw and never break an invariant; replay is
 * deterministic and time travel lands on the same state.
 *
 * <p>Normal run: 200 random sequences (jqwik, shrinking on failure). The long run adds 10,000 seeded
 * sequences (seed 42, every era, up to 60 operations each):
 * {@code mvn -q -B test -Dtest='io.cowscope.engine.EnginePropertiesTest' -Dcowscope.tries=10000}
 */
class EnginePropertiesTest {
    static final int TRIES = Integer.getInteger("cowscope.tries", 0);

    @Provide
    Arbitrary<KernelVersion> versions() {
        return Arbitraries.of(KernelVersion.all());
    }

    @Property(tries = 200)
    void randomSequencesKeepInvariants(@ForAll("versions") KernelVersion v, @ForAll @IntRange(min = 0, max = 104) int variant,
                                       @ForAll @Size(min = 4, max = 240) List<@IntRange(min = 0, max = 10_000) Integer> code) {
        runChecked(v, variant, code);
    }

    @Example
    void longRunWhenAsked() {
        // -Dcowscope.tries=N runs N extra random sequences from a fixed seed (jqwik's tries property is the other way)
        java.util.Random r = new java.util.Random(42);
        for (int t = 0; t < TRIES; t++) {
            List<KernelVersion> all = KernelVersion.all();
            KernelVersion v = all.get(r.nextInt(all.size()));
            int n = 4 + r.nextInt(240);
            List<Integer> code = new java.util.ArrayList<>();
            for (int i = 0; i < n; i++) code.add(r.nextInt(10_001));
            int variant = r.nextInt(105);
            runChecked(v, variant, code);
            if (t % 10 == 0) replayMatches(v, variant, code, r.nextInt(1000));
        }
    }

    private static void replayMatches(KernelVersion v, int variant, List<Integer> code, int target) {
        MachineConfig c = RandomOps.config(v, variant);
        Timeline tl = new Timeline(c, 8);
        List<Op> ops = RandomOps.run(tl.machine(), code, tl::append);
        int n = target % (ops.size() + 1);
        Machine ref = new Machine(c);
        for (int i = 0; i < n; i++) ref.apply(ops.get(i));
        tl.goTo(n);
        assertEquals(ref.snapshot(), tl.machine().snapshot(), () -> "replay differs at " + v + " variant " + variant);
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

    @Property(tries = 60)
    void replayIsDeterministicAndTimeTravelLandsOnTheSameState(@ForAll("versions") KernelVersion v,
                                                                @ForAll @IntRange(min = 0, max = 104) int variant,
                                                                @ForAll @Size(min = 8, max = 200) List<@IntRange(min = 0, max = 10_000) Integer> code,
                                                                @ForAll @IntRange(min = 0, max = 1000) int target) {
        MachineConfig c = RandomOps.config(v, variant);
        Timeline tl = new Timeline(c, 8);
        List<Op> ops = RandomOps.run(tl.machine(), code, tl::append);
        int n = target % (ops.size() + 1);
        Machine ref = new Machine(c);
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
