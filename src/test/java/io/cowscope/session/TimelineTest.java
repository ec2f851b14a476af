package io.cowscope.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.cowscope.engine.KernelVersion;
import io.cowscope.engine.Snapshot;
import io.cowscope.engine.Step;
import io.cowscope.engine.op.Spawn;
import io.cowscope.scenario.Execution;
import io.cowscope.scenario.Gallery;
import io.cowscope.scenario.RunResult;
import io.cowscope.scenario.Scenario;
import io.cowscope.scenario.ScenarioLanguage;
import io.cowscope.scenario.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Time travel is replay from checkpoints: every state reached by a jump must be the state reached
 * by stepping forward, for every gallery scenario, under kernels of each era, with checkpoints so
 * sparse and so few that thinning happens.
 */
class TimelineTest {
    private static final List<String> KERNELS = List.of("4.8", "5.7", "5.8", "5.9", "5.18", "6.18");
    private static final Snapshot.Window ALL = Snapshot.Window.all();

    @Test
    void jumpsReachTheStatesThatSteppingForwardReaches() {
        Random random = new Random(5);
        int checked = 0;
        for (Gallery.Entry e : Gallery.load().entries()) {
            Scenario s = ScenarioLanguage.check(e.text()).scenario();
            assertThat(s).as(e.id()).isNotNull();
            for (String k : KERNELS) {
                KernelVersion v = KernelVersion.parse(k).orElseThrow();
                Timeline sequential = Timeline.run(s.headerLines(), s.statements(), v, Timeline.Budget.of(1_000, 64, 10_000));
                List<Snapshot> states = new ArrayList<>();
                List<String> summaries = new ArrayList<>();
                for (int i = 0; i <= sequential.steps(); i++) {
                    Step step = sequential.moveTo(i);
                    states.add(sequential.machine().snapshot(ALL));
                    summaries.add(step == null ? null : step.summary() + step.eventCounts());
                }
                Timeline sparse = Timeline.run(s.headerLines(), s.statements(), v, Timeline.Budget.of(2, 3, 10_000));
                assertThat(sparse.steps()).isEqualTo(sequential.steps());
                for (int n = 0; n < 3 * (sparse.steps() + 1); n++) {
                    int i = random.nextInt(sparse.steps() + 1);
                    Step step = sparse.moveTo(i);
                    assertThat(sparse.machine().snapshot(ALL)).as("%s at %s, step %d", e.id(), k, i).isEqualTo(states.get(i));
                    assertThat(step == null ? null : step.summary() + step.eventCounts()).isEqualTo(summaries.get(i));
                    checked++;
                }
            }
        }
        assertThat(checked).isGreaterThan(500);
    }

    @Test
    void stepsAreTheOperationsAfterTheDeclarationsAndExpectationsMatchTheRunner() {
        for (Gallery.Entry e : Gallery.load().entries()) {
            Scenario s = ScenarioLanguage.check(e.text()).scenario();
            for (String k : List.of("5.7", "6.18")) {
                KernelVersion v = KernelVersion.parse(k).orElseThrow();
                RunResult direct = Execution.run(s, v);
                Timeline t = Timeline.run(s.headerLines(), s.statements(), v, Timeline.Budget.of(4, 8, 10_000));
                int leading = 0;
                for (RunResult.StepResult r : direct.steps()) {
                    if (!(r.step().op() instanceof Spawn)) {
                        break;
                    }
                    leading++;
                }
                assertThat(t.steps()).as(e.id()).isEqualTo(direct.steps().size() - leading);
                List<String> mine = new ArrayList<>();
                for (int i = 0; i <= t.steps(); i++) {
                    t.info(i).expectations().forEach(x -> mine.add(x.line() + ":" + x.outcome()));
                }
                List<String> theirs = new ArrayList<>();
                direct.expectations().stream().filter(x -> x.outcome() != RunResult.Outcome.NOT_RUN)
                        .forEach(x -> theirs.add(x.line() + ":" + x.outcome()));
                assertThat(mine).as("%s at %s", e.id(), k).isEqualTo(theirs);
                assertThat(t.error() == null).isEqualTo(direct.error() == null);
            }
        }
    }

    @Test
    void extendingRunsWhatAFullRunOfTheLongerProgramRuns() {
        String base = "process parent\nparent: buf = mmap 4\nparent: write buf \"a\"\nparent: fork child\n";
        String more = "child: write buf[1] \"b\"\nsay \"now the parent\"\nparent: write buf[1] \"c\"\nchild: read buf\n"
                + "lru_drain\nparent: munmap buf[2..3]\n";
        Scenario s = ScenarioLanguage.check(base).scenario();
        Scenario all = ScenarioLanguage.check(base + more).scenario();
        List<Statement> added = all.statements().subList(s.statements().size(), all.statements().size());
        KernelVersion v = KernelVersion.parse("5.10").orElseThrow();
        Timeline extended = Timeline.run(s.headerLines(), s.statements(), v, Timeline.Budget.of(2, 3, 100));
        assertThat(extended.canExtend(added)).isTrue();
        extended.extend(added, 5, 100);
        Timeline full = Timeline.run(all.headerLines(), all.statements(), v, Timeline.Budget.of(2, 3, 100));
        assertThat(extended.steps()).isEqualTo(full.steps());
        for (int i = extended.steps(); i >= 0; i--) {
            extended.moveTo(i);
            full.moveTo(i);
            assertThat(extended.machine().snapshot(ALL)).as("step %d", i).isEqualTo(full.machine().snapshot(ALL));
            assertThat(extended.info(i).source()).isEqualTo(full.info(i).source());
        }
        assertThat(extended.info(extended.steps() - 3).source()).isEqualTo("parent: write buf[1] \"c\"");
    }

    @Test
    void tooManyStepsAreRefusedByName() {
        StringBuilder sb = new StringBuilder("process p\np: buf = mmap 1\n");
        for (int i = 0; i < 20; i++) {
            sb.append("p: write buf \"").append(i).append("\"\n");
        }
        Scenario s = ScenarioLanguage.check(sb.toString()).scenario();
        KernelVersion v = KernelVersion.LATEST;
        try {
            Timeline.run(s.headerLines(), s.statements(), v, Timeline.Budget.of(4, 8, 20));
            throw new AssertionError("no limit");
        } catch (LimitException e) {
            assertThat(e.getMessage()).contains("cowscope.session.max-steps");
        }
        assertThat(Timeline.run(s.headerLines(), s.statements(), v, Timeline.Budget.of(4, 8, 21)).steps()).isEqualTo(21);
    }
}
