package io.cowscope.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.cowscope.engine.KernelStep;
import io.cowscope.engine.PageView;
import io.cowscope.engine.PteView;
import io.cowscope.engine.Snapshot;
import io.cowscope.session.Views.DeltaView;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Step into shows each kernel step's own state (issue 12, gap 3): the first kernel step of a COW
 * write shows the state before it, the copy appears at wp_page_copy (the PTE's pfn moves to it and
 * the old page loses a reference there), and the last kernel step shows the step's final state.
 */
class KernelStepStateTest {

    private static String gallery(String id) throws IOException {
        try (InputStream in = KernelStepStateTest.class.getResourceAsStream("/scenarios/" + id + ".cow")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static Session load(String id, String kernel) throws IOException {
        return Session.load("t", new Session.LoadRequest(gallery(id), kernel, null, null, null, null, null),
                SessionProperties.defaults());
    }

    private static PteView pte(Snapshot s, String proc, String var, int index) {
        return s.processes().stream().filter(p -> p.name().equals(proc)).findFirst().orElseThrow()
                .vmas().stream().filter(v -> v.var().equals(var)).findFirst().orElseThrow()
                .ptes().stream().filter(p -> p.index() == index).findFirst().orElseThrow();
    }

    private static PageView page(Snapshot s, long pfn) {
        return s.pages().stream().filter(p -> p.pfn() == pfn).findFirst().orElse(null);
    }

    /** the first step whose events include a COW */
    private static int firstCow(Session s) {
        for (int k = 1; k <= s.steps(); k++) {
            DeltaView d = s.goTo(k, null);
            if (d.eventCounts().getOrDefault("cow", 0) > 0) {
                return k;
            }
        }
        throw new AssertionError("no COW in the scenario");
    }

    @Test
    void theCopyAppearsAtWpPageCopyAndNotBefore() throws IOException {
        for (String kernel : List.of("5.7", "6.18")) {
            Session s = load("basic-cow-after-fork", kernel);
            int k = firstCow(s);
            Snapshot before = s.goTo(k - 1, null).state();
            DeltaView whole = s.goTo(k, null);
            Snapshot after = whole.state();
            assertThat(whole.kernelState()).as("no kernel state for the whole step").isNull();
            String proc = whole.events().stream().filter(e -> "cow".equals(e.type())).findFirst().orElseThrow().proc();
            long oldPfn = pte(before, proc, "buf", 0).pfn();
            long newPfn = pte(after, proc, "buf", 0).pfn();
            assertThat(newPfn).as("%s: the COW moved the PTE", kernel).isNotEqualTo(oldPfn);
            assertThat(page(before, newPfn)).isNull();

            // into from the whole step walks that step's kernel steps from the first
            List<KernelStep> ks = whole.kernelSteps();
            int copyAt = -1;
            List<Snapshot> states = new ArrayList<>();
            for (int i = 0; i < ks.size(); i++) {
                DeltaView in = s.into(null);
                assertThat(in.step()).isEqualTo(k);
                assertThat(in.kernelStep()).isEqualTo(i);
                assertThat(in.kernelState()).as("%s: state at kernel step %d (%s)", kernel, i, ks.get(i).function()).isNotNull();
                states.add(in.kernelState());
                if (ks.get(i).function().equals("wp_page_copy")) {
                    copyAt = i;
                }
            }
            assertThat(copyAt).as("%s: a wp_page_copy kernel step", kernel).isPositive();
            // before wp_page_copy: the old page, mapped by the PTE; no copy yet
            for (int i = 0; i < copyAt; i++) {
                Snapshot at = states.get(i);
                assertThat(pte(at, proc, "buf", 0).pfn()).as("%s at %s", kernel, ks.get(i).function()).isEqualTo(oldPfn);
                assertThat(page(at, newPfn)).as("%s at %s", kernel, ks.get(i).function()).isNull();
                assertThat(page(at, oldPfn).refcount()).isEqualTo(page(before, oldPfn).refcount());
            }
            // at wp_page_copy: the copy, the PTE on it, the old page one reference less
            Snapshot atCopy = states.get(copyAt);
            assertThat(pte(atCopy, proc, "buf", 0).pfn()).isEqualTo(newPfn);
            assertThat(page(atCopy, newPfn)).isNotNull();
            assertThat(page(atCopy, oldPfn).refcount()).isLessThan(page(before, oldPfn).refcount());
            // the first kernel step shows the state before the step, the last the state after it
            assertThat(states.get(0).processes()).isEqualTo(before.processes());
            assertThat(states.get(0).pages()).isEqualTo(before.pages());
            assertThat(states.get(states.size() - 1).processes()).isEqualTo(after.processes());
            assertThat(states.get(states.size() - 1).pages()).isEqualTo(after.pages());
            // out to the whole step: the step's state again, no kernel state
            DeltaView out = s.out(null);
            while (out.kernelStep() >= 0) {
                out = s.out(null);
            }
            assertThat(out.kernelState()).isNull();
            assertThat(out.state().pages()).isEqualTo(after.pages());
        }
    }

    @Test
    void intoPastTheLastKernelStepCarriesTheNextStepsFirstKernelState() throws IOException {
        Session s = load("basic-cow-after-fork", "6.18");
        int k = firstCow(s);
        DeltaView previous = s.goTo(k - 1, null);
        Snapshot before = previous.state();
        for (int i = 0; i < previous.kernelSteps().size(); i++) {
            assertThat(s.into(null).step()).isEqualTo(k - 1);
        }
        DeltaView in = s.into(null);
        assertThat(in.step()).isEqualTo(k);
        assertThat(in.kernelStep()).isZero();
        assertThat(in.delta()).as("a forward move carries the step's delta").isNotNull();
        assertThat(in.kernelState().pages()).isEqualTo(before.pages());
    }
}
