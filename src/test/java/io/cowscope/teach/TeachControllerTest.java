package io.cowscope.teach;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.cowscope.scenario.Gallery;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;

@WebMvcTest(TeachController.class)
class TeachControllerTest {
    @Autowired
    MockMvc mvc;

    private static String body(String text, String kernel, String extra) {
        String t = text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
        return "{\"text\":\"" + t + "\",\"kernel\":\"" + kernel + "\",\"predict\":true" + extra + "}";
    }

    @Test
    void questionsComeWithoutAnswersAndTheAnswerDependsOnTheKernel() throws Exception {
        String text = Gallery.load().find("cve-2020-29374-vmsplice").orElseThrow().text();
        mvc.perform(post("/api/teach/questions").contentType(MediaType.APPLICATION_JSON).content(body(text, "5.7", "")))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.questions[0].auto").value(true))
                .andExpect(jsonPath("$.questions[0].options[0]").value("copy"))
                .andExpect(jsonPath("$.questions[0].correct").doesNotExist())
                .andExpect(jsonPath("$.questions[0].shown").doesNotExist());
        mvc.perform(post("/api/teach/answer").contentType(MediaType.APPLICATION_JSON).content(body(text, "5.7", ",\"index\":0,\"given\":\"reuse\"")))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.correct[0]").value("reuse"))
                .andExpect(jsonPath("$.right").value(true))
                .andExpect(jsonPath("$.explanation.rule").value("MAPCOUNT_REUSE"));
        mvc.perform(post("/api/teach/answer").contentType(MediaType.APPLICATION_JSON).content(body(text, "6.18", ",\"index\":0,\"given\":\"reuse\"")))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.correct[0]").value("copy"))
                .andExpect(jsonPath("$.right").value(false))
                .andExpect(jsonPath("$.explanation.commit").isNotEmpty());
    }

    @Test
    void badInputNamesTheField() throws Exception {
        mvc.perform(post("/api/teach/questions").contentType(MediaType.APPLICATION_JSON).content(body("process p\np: b = mmpa 1\n", "5.7", "")))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.field").value("text"))
                .andExpect(jsonPath("$.diagnostics[0].line").value(2))
                .andExpect(jsonPath("$.diagnostics[0].column").value(8));
        mvc.perform(post("/api/teach/answer").contentType(MediaType.APPLICATION_JSON).content(body("process p\np: b = mmap 1\n", "5.99", ",\"index\":0")))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.field").value("kernel"));
        mvc.perform(post("/api/teach/answer").contentType(MediaType.APPLICATION_JSON).content(body("process p\np: b = mmap 1\n", "5.7", ",\"index\":3")))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.field").value("index"));
        mvc.perform(get("/api/teach/practice").param("seed", "x")).andExpect(status().isBadRequest()).andExpect(jsonPath("$.field").value("seed"));
        mvc.perform(get("/api/lessons/nope")).andExpect(status().isNotFound());
    }

    @Test
    void lessonsAndPractice() throws Exception {
        mvc.perform(get("/api/lessons")).andExpect(status().isOk()).andExpect(jsonPath("$[0].id").value("cow-history"));
        mvc.perform(get("/api/lessons/cow-history")).andExpect(status().isOk())
                .andExpect(jsonPath("$.parts[1].scenario").value("cve-2020-29374-vmsplice"))
                .andExpect(jsonPath("$.parts[1].text").value(Matchers.containsString("ask ")));
        mvc.perform(get("/api/teach/practice").param("seed", "42").param("count", "3").param("kernel", "5.7"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.problems.length()").value(3))
                .andExpect(jsonPath("$.problems[0].text").value(Matchers.containsString("\nask ")))
                .andExpect(jsonPath("$.problems[0].text").value(Matchers.not(Matchers.containsString("expect"))));
    }
}
