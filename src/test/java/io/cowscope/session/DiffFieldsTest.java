package io.cowscope.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.cowscope.session.Views.DeltaView;
import io.cowscope.session.Views.DiffEntry;
import io.cowscope.session.Views.FieldDiff;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Compare's differences name what differs (issue 12, gap 5): at the vmsplice CVE's parent write
 * 5.7 reuses the page the pipe still holds while 6.18 copies it, so the page at parent.buf[0]
 * differs in its frame and its references (the pipe), and the pipe's contents differ.
 */
class DiffFieldsTest {

    private static String gallery(String id) throws IOException {
        try (InputStream in = DiffFieldsTest.class.getResourceAsStream("/scenarios/" + id + ".cow")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void thePageAtTheParentsWriteDiffersInFrameAndReferencesAndThePipeIsMarked() throws IOException {
        Session s = Session.load("t", new Session.LoadRequest(gallery("cve-2020-29374-vmsplice"), "5.7", null, null, null,
                null, "6.18"), SessionProperties.defaults());
        DeltaView at = null;
        for (int k = 1; k <= s.steps(); k++) {
            DeltaView d = s.goTo(k, null);
            if (d.eventCounts().getOrDefault("reuse", 0) > 0 && d.compare().eventCounts().getOrDefault("cow", 0) > 0) {
                at = d;
                break;
            }
        }
        assertThat(at).as("a step that reuses on 5.7 and copies on 6.18").isNotNull();
        String proc = at.events().stream().filter(e -> "reuse".equals(e.type())).findFirst().orElseThrow().proc();
        String var = at.events().stream().filter(e -> "reuse".equals(e.type())).findFirst().orElseThrow().var();
        DiffEntry page = at.diff().stream().filter(d -> d.what().equals("page") && d.key().equals(proc + "." + var + "[0]"))
                .findFirst().orElseThrow();
        List<String> names = page.fields().stream().map(FieldDiff::field).toList();
        assertThat(names).contains("pfn", "references");
        for (FieldDiff f : page.fields()) {
            assertThat(f.left()).as(f.field()).isNotEqualTo(f.right());
        }
        FieldDiff refs = page.fields().stream().filter(f -> f.field().equals("references")).findFirst().orElseThrow();
        assertThat(String.valueOf(refs.left())).contains("pipe");
        assertThat(String.valueOf(refs.right())).doesNotContain("pipe");
        assertThat(at.diff()).anySatisfy(d -> {
            assertThat(d.what()).isEqualTo("holder");
            assertThat(d.key()).startsWith("pipe:");
            assertThat(d.left()).isNotEqualTo(d.right());
        });
    }

    @Test
    void equalPagesGiveNoFields() {
        assertThat(Diff.fields(null, null)).isEmpty();
    }
}
