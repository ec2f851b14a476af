package io.cowscope.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cowscope.engine.Snapshot;
import io.cowscope.scenario.Execution;
import io.cowscope.scenario.RunResult;
import io.cowscope.scenario.ScenarioLanguage;
import org.junit.jupiter.api.Test;

/**
 * Issue 14: {@code cowscope.session.max-run-millis} bounds the whole request, the state snapshots and
 * digests built after the run included. A request whose budget is spent while its answer is being
 * built gets the named limit, not a late answer.
 */
class DeadlineTest {
    private static final String LARGE = "process p\np: buf = mmap 65536 populate\np: fork c\nc: write buf[0..15] \"x\"\n";

    /** a budget that is already spent when the work starts: the snapshot or digest is the first long loop */
    private static Deadline spent() throws InterruptedException {
        Deadline d = Deadline.start(1);
        Thread.sleep(5);
        return d;
    }

    @Test
    void aWindowBuiltPastTheBudgetIsTheNamedLimitNotALateAnswer() throws Exception {
        Session s = Session.load("t", new Session.LoadRequest(LARGE, null, null, null, null, null, null),
                SessionProperties.defaults());
        s.goTo(s.steps(), null);
        assertThat(s.window("c", "buf", 0, 4095, null).state()).isNotNull(); // no budget: answered
        try (Deadline d = spent()) {
            assertThatThrownBy(() -> s.window("c", "buf", 0, 4095, null)).isInstanceOf(LimitException.class)
                    .hasMessageContaining("cowscope.session.max-run-millis");
        }
        assertThat(s.window("c", "buf", 0, 4095, null).state()).isNotNull(); // the budget ended with its request
    }

    @Test
    void aSnapshotPastTheBudgetStops() throws Exception {
        Execution ex = new Execution(ScenarioLanguage.check(LARGE).scenario(), null);
        while (ex.hasNext() && ex.step() != null) {
        }
        try (Deadline d = spent()) {
            assertThatThrownBy(() -> ex.machine().snapshot(new Snapshot.Window("c", "buf", 0, 4095, 4096)))
                    .isInstanceOf(LimitException.class).hasMessageContaining("cowscope.session.max-run-millis");
        }
    }

    @Test
    void aDigestPastTheBudgetIsTheNamedLimitNotUnobservable() throws Exception {
        Execution ex = new Execution(ScenarioLanguage.check(LARGE).scenario(), null);
        while (ex.hasNext() && ex.step() != null) {
        }
        try (Deadline d = spent()) {
            assertThatThrownBy(ex::result).isInstanceOf(LimitException.class)
                    .hasMessageContaining("cowscope.session.max-run-millis");
        }
        RunResult r = ex.result();
        assertThat(r.digest()).hasSize(8);
    }
}
