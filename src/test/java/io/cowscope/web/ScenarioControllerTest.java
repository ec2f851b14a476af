package io.cowscope.web;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.cowscope.scenario.Gallery;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;

@WebMvcTest(ScenarioController.class)
class ScenarioControllerTest {
    @Autowired
    MockMvc mvc;

    @Test
    void listsEveryGalleryScenarioWithItsTitleAndTags() throws Exception {
        int n = Gallery.load().entries().size();
        mvc.perform(get("/api/scenarios"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.length()").value(n))
                .andExpect(jsonPath("$[?(@.id == 'cve-2020-29374-vmsplice')].title").isNotEmpty())
                .andExpect(jsonPath("$[0].tags").isArray());
    }

    @Test
    void servesTheTextOfOneScenarioAndA404JsonForAnUnknownId() throws Exception {
        mvc.perform(get("/api/scenarios/cve-2020-29374-vmsplice"))
                .andExpect(status().isOk())
                .andExpect(content().contentTypeCompatibleWith(MediaType.TEXT_PLAIN))
                .andExpect(content().string(Matchers.containsString("vmsplice")));
        mvc.perform(get("/api/scenarios/no-such-thing"))
                .andExpect(status().isNotFound())
                .andExpect(jsonPath("$.field").value("id"));
    }

    @Test
    void checkReportsDiagnosticsWithLineColumnAndSuggestion() throws Exception {
        String text = "process p\np: buf = mmpa 1\n";
        mvc.perform(post("/api/check").contentType(MediaType.TEXT_PLAIN).content(text))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.ok").value(false))
                .andExpect(jsonPath("$.diagnostics[0].line").value(2))
                .andExpect(jsonPath("$.diagnostics[0].column").value(10))
                .andExpect(jsonPath("$.diagnostics[0].message").value(Matchers.containsString("did you mean 'mmap'")));
    }

    @Test
    void checkOfAValidScenarioReturnsItsTree() throws Exception {
        mvc.perform(post("/api/check").contentType(MediaType.TEXT_PLAIN).content("process p\np: buf = mmap 1\np: write buf \"x\"\n"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.ok").value(true))
                .andExpect(jsonPath("$.diagnostics.length()").value(0))
                .andExpect(jsonPath("$.tree").isMap());
    }

    @Test
    void checkRefusesAnOversizedBodyNamingTheLimit() throws Exception {
        byte[] big = new byte[ScenarioController.MAX_CHECK_BODY + 10];
        java.util.Arrays.fill(big, (byte) '#');
        mvc.perform(post("/api/check").contentType(MediaType.TEXT_PLAIN).content(big))
                .andExpect(status().isContentTooLarge())
                .andExpect(jsonPath("$.field").value("body"))
                .andExpect(jsonPath("$.message").value(Matchers.containsString("262144")));
    }

    @Test
    void binaryInputGivesDiagnosticsNotAnError() throws Exception {
        mvc.perform(post("/api/check").contentType(MediaType.APPLICATION_OCTET_STREAM).content(new byte[] {(byte) 0xff, 0, 1, 2}))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.ok").value(false))
                .andExpect(jsonPath("$.diagnostics[0].line").isNumber());
    }
}
