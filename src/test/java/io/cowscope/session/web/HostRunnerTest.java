package io.cowscope.session.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cowscope.host.Probe;
import io.cowscope.scenario.Gallery;
import io.cowscope.scenario.Statement;
import io.cowscope.session.LimitException;
import io.cowscope.session.Session;
import io.cowscope.session.SessionException;
import io.cowscope.session.SessionProperties;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The page's adapter to the native probe (docs/host.md "In the page"): off unless
 * cowscope.host.enabled, refused with a named property, and when on (Linux, a probe that builds)
 * one step per operation statement with its statement index and the kernel's fields.
 */
class HostRunnerTest {
    private static final String SCENARIO = """
            process parent
            parent: buf = mmap 2
            parent: write buf "a"
            say "a fork"
            parent: fork child
            child: write buf[0] "b"
            """;

    private static Session session(String text, String kernel) {
        return Session.load("t", new Session.LoadRequest(text, kernel, null, null, null, null, null), SessionProperties.defaults());
    }

    private static HostProperties enabled(int maxPages, int maxObservations) {
        return new HostProperties(true, 30_000L, maxPages, null, null, maxObservations, null);
    }

    @Test
    void offByDefaultNotOfferedAndRefusedNamingTheProperty() {
        HostProperties p = HostProperties.defaults();
        assertThat(p.enabled()).isFalse();
        HostRunner r = new HostRunner(p);
        assertThat(r.machine()).isNull();
        assertThatThrownBy(() -> r.run(session(SCENARIO, null), 1))
                .isInstanceOfSatisfying(SessionException.class, e -> assertThat(e.code()).isEqualTo(SessionException.DISABLED))
                .hasMessageContaining("cowscope.host.enabled=false");
    }

    @Test
    void limitsMustBePositive() {
        assertThatThrownBy(() -> new HostProperties(true, 0L, null, null, null, null, null)).hasMessageContaining("max-run-millis");
        assertThatThrownBy(() -> new HostProperties(true, null, 0, null, null, null, null)).hasMessageContaining("cowscope.host.max-pages");
    }

    private static void assumeProbe() {
        assumeTrue(Probe.unsupportedReason() == null, "the native probe runs only on Linux");
        try {
            Probe.locate();
        } catch (IOException e) {
            if ("true".equals(System.getenv("CI"))) throw new AssertionError(e);
            assumeTrue(false, "the probe cannot be built here: " + e.getMessage());
        }
    }

    @Test
    void aScenarioPastTheHostLimitsIsRefusedNamingTheLimit() {
        assumeProbe();
        HostRunner r = new HostRunner(enabled(1, 12_000));
        assertThat(r.machine()).startsWith("Linux ");
        assertThatThrownBy(() -> r.run(session(SCENARIO, null), 1))
                .isInstanceOf(LimitException.class).hasMessageContaining("cowscope.host.max-pages").hasMessageContaining("line 2");
        HostRunner few = new HostRunner(enabled(64, 3));
        assertThatThrownBy(() -> few.run(session(SCENARIO, null), 1))
                .isInstanceOf(LimitException.class).hasMessageContaining("cowscope.host.max-observations");
    }

    @Test
    void eachOperationStatementComesBackWithItsIndexAndTheKernelsFields() {
        assumeProbe();
        Session s = session(SCENARIO, "5.7");
        HostRunner.HostView v = new HostRunner(enabled(64, 12_000)).run(s, "host");
        assertThat(v.type()).isEqualTo("host");
        assertThat(v.id()).isEqualTo("host");
        assertThat(v.model()).isEqualTo("5.7");
        assertThat(v.machine()).startsWith("Linux ");
        List<Statement> st = s.scenario().statements();
        List<Integer> operations = new java.util.ArrayList<>();
        for (int i = 0; i < st.size(); i++) if (st.get(i).node() instanceof Statement.Operation) operations.add(i);
        assertThat(v.steps().stream().map(HostRunner.HostStep::index).toList()).isEqualTo(operations);
        HostRunner.HostStep write = v.steps().get(v.steps().size() - 1);
        assertThat(write.source()).isEqualTo("child: write buf[0] \"b\"");
        assertThat(write.outcome()).isEqualTo("ok");
        assertThat(write.kernel()).containsEntry("child.buf[0] content", "\"b\"").containsEntry("parent.buf[0] content", "\"a\"")
                .containsEntry("child.buf[0] present", "yes").containsKey("parent.buf[1] pagemap exclusive");
        // every difference names a field the kernel observed, with the model's value beside it
        int total = 0;
        for (HostRunner.HostStep h : v.steps()) {
            if (h.kernel() == null) continue;
            assertThat(h.kernel().keySet()).containsAll(h.differs());
            assertThat(h.model().keySet()).containsExactlyInAnyOrderElementsOf(h.differs());
            total += h.differs().size();
        }
        assertThat(v.differences()).isEqualTo(total);
        assertThat(v.unobservable()).contains("refcount", "pincount");
        if (!v.pfns()) assertThat(v.unobservable()).anyMatch(u -> u.startsWith("frames"));
    }

    @Test
    void gallerySessionsRunToo() {
        assumeProbe();
        String text = Gallery.load().find("basic-cow-after-fork").orElseThrow().text();
        HostRunner.HostView v = new HostRunner(enabled(64, 12_000)).run(session(text, null), null);
        assertThat(v.steps()).isNotEmpty().allSatisfy(h -> assertThat(h.outcome()).isNotBlank());
    }
}
