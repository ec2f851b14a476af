package io.cowscope.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Appending past the language's 2,000 statements: checked against the declarations, run at the end. */
class ProgramTest {

    @Test
    void appendsPastTheLanguageLimitStillKnowTheNamesDeclaredAtTheStart() {
        Session s = Session.load("t", new Session.LoadRequest("process p\np: buf = mmap 4\np: fork child\n", null, null,
                null, null, null, null), SessionProperties.defaults());
        StringBuilder block = new StringBuilder();
        for (int i = 0; i < 1100; i++) {
            block.append("p: write buf[").append(i % 4).append("] \"v").append(i).append("\"\n");
        }
        s.append(block.toString(), null);
        s.append(block.toString(), null); // now past 2,000 statements: the reduced context is used
        assertThat(s.steps()).isEqualTo(2 + 2200);

        Views.DeltaView d = s.append("child: write buf[2] \"late\"", null);
        assertThat(d.step()).isEqualTo(2203);
        assertThat(d.appended()).singleElement().satisfies(v -> {
            assertThat(v.step()).isEqualTo(2203);
            assertThat(v.line()).isEqualTo(3 + 2200 + 1);
        });

        assertThatThrownBy(() -> s.append("nobody: write buf \"x\"", null)).isInstanceOfSatisfying(
                Session.InvalidScenario.class, e -> {
                    Views.DiagnosticsView v = e.view(null);
                    assertThat(v.context()).isEqualTo("append");
                    assertThat(v.diagnostics()).first().satisfies(x -> assertThat(x.line()).isEqualTo(1));
                });
        Views.DeltaView e = s.append("expect child.buf[2] == \"late\"", null);
        assertThat(e.expectations()).singleElement().satisfies(x -> assertThat(x.outcome()).isEqualTo("pass"));
        assertThat(s.steps()).isEqualTo(2203);
    }
}
