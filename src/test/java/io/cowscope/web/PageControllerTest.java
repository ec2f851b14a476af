package io.cowscope.web;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.view;

import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.test.web.servlet.MockMvc;

@WebMvcTest(PageController.class)
class PageControllerTest {
    @Autowired
    MockMvc mvc;

    @Test
    void rootRendersThePageWithTheHeaderTheBundleFills() throws Exception {
        mvc.perform(get("/"))
                .andExpect(status().isOk())
                .andExpect(view().name("index"))
                .andExpect(content().string(Matchers.containsString("id=\"conn-status\"")))
                .andExpect(content().string(Matchers.containsString("id=\"server-version\"")))
                .andExpect(content().string(Matchers.containsString("id=\"engine-version\"")))
                .andExpect(content().string(Matchers.matchesPattern("(?s).*<script type=\"module\" src=\"/assets/app[^\"]*\\.js\"></script>.*")));
    }
}
