package io.cowscope.share;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.startsWith;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The short-link API over MockMvc with the real repository on an in-memory H2. */
@SpringBootTest(properties = {
    "spring.datasource.url=jdbc:h2:mem:share-api;DB_CLOSE_DELAY=-1",
    "cowscope.share.max-text-bytes=1024",
    "cowscope.share.rate-limit.creations=3",
    "cowscope.share.rate-limit.per=1h"})
@AutoConfigureMockMvc
class LinkControllerTest {
    /** Each test creates from its own address, so the rate limit of one does not spill into another. */
    private static final AtomicInteger CLIENTS = new AtomicInteger(10);
    private final JsonMapper json = JsonMapper.builder().build();
    private final String client = "127.0.1." + CLIENTS.incrementAndGet();

    @Autowired
    MockMvc mvc;

    private ResultActions create(String body) throws Exception {
        return mvc.perform(postJson(body));
    }

    private MockHttpServletRequestBuilder postJson(String body) {
        return post("/api/links").contentType(MediaType.APPLICATION_JSON).content(body)
                .with(request -> {
                    request.setRemoteAddr(client);
                    return request;
                });
    }

    @Test
    void createThenReadBack() throws Exception {
        MvcResult created = create("""
                {"text":"title \\"Fork\\"\\nprocess p\\n","kernel":"5.7","compare":"6.18","step":4,"view":{"z":1,"a":{"y":2,"b":3}}}""")
                .andExpect(status().isCreated())
                .andExpect(jsonPath("$.id").value(org.hamcrest.Matchers.matchesPattern("[a-z2-7]{6}")))
                .andExpect(jsonPath("$.url").value(startsWith("http://localhost/s/")))
                .andExpect(header().string("Location", startsWith("http://localhost/s/")))
                .andReturn();
        String id = json.readTree(created.getResponse().getContentAsString()).get("id").stringValue();

        mvc.perform(get("/api/links/" + id))
                .andExpect(status().isOk())
                .andExpect(header().string("Cache-Control", "max-age=31536000, public, immutable"))
                .andExpect(jsonPath("$.id").value(id))
                .andExpect(jsonPath("$.v").value(1))
                .andExpect(jsonPath("$.text").value("title \"Fork\"\nprocess p\n"))
                .andExpect(jsonPath("$.kernel").value("5.7"))
                .andExpect(jsonPath("$.compare").value("6.18"))
                .andExpect(jsonPath("$.step").value(4))
                .andExpect(jsonPath("$.view.a.b").value(3));
    }

    @Test
    void theSameContentGetsTheSameIdWhateverTheKeyOrderAndLineEndings() throws Exception {
        JsonNode first = body(create("{\"text\":\"process a\\r\\nprocess b\\n\",\"kernel\":\"6.1\",\"view\":{\"x\":1,\"y\":2}}")
                .andExpect(status().isCreated()));
        JsonNode second = body(create("{\"view\":{\"y\":2,\"x\":1},\"kernel\":\"6.1\",\"text\":\"process a\\nprocess b\\n\"}")
                .andExpect(status().isOk()));
        assertThat(second.get("id")).isEqualTo(first.get("id"));
        JsonNode other = body(create("{\"text\":\"process a\\nprocess b\\n\",\"kernel\":\"6.2\"}").andExpect(status().isCreated()));
        assertThat(other.get("id")).isNotEqualTo(first.get("id"));
    }

    @Test
    void badFieldsAre400NamingTheField() throws Exception {
        expectInvalid("{\"kernel\":\"6.1\"}", "text");
        expectInvalid("{\"text\":42,\"kernel\":\"6.1\"}", "text");
        expectInvalid("{\"text\":\"  \",\"kernel\":\"6.1\"}", "text");
        // the rate limit (3 per hour) counts refusals too, so a fresh client address per batch
    }

    @Test
    void moreBadFieldsAre400NamingTheField() throws Exception {
        expectInvalid("{\"text\":\"p\",\"kernel\":\"6.1 <b>\"}", "kernel");
        expectInvalid("{\"text\":\"p\",\"kernel\":\"6.1\",\"step\":-1}", "step");
        expectInvalid("{\"text\":\"p\",\"kernel\":\"6.1\",\"view\":[1]}", "view");
    }

    @Test
    void unknownFieldsMalformedJsonAndControlCharactersAre400() throws Exception {
        expectInvalid("{\"text\":\"p\",\"kernel\":\"6.1\",\"owner\":\"me\"}", "owner");
        expectInvalid("{\"text\":\"p\",", "body");
        expectInvalid("{\"text\":\"p\\u0000\",\"kernel\":\"6.1\"}", "text");
    }

    /** Issue 14 #6: a link holding text UTF-8 cannot carry would break the sessions of whoever opens it. */
    @Test
    void loneSurrogatesAre400NamingTheField() throws Exception {
        expectInvalid("{\"text\":\"title \\\"a\\ud800\\\"\",\"kernel\":\"6.1\"}", "text");
        expectInvalid("{\"text\":\"p\",\"kernel\":\"6.1\",\"view\":{\"x\":\"\\udc00\"}}", "view");
    }

    @Test
    void aTextOverTheLimitIs413NamingTheFieldAndTheLimit() throws Exception {
        create("{\"text\":\"" + "x".repeat(1025) + "\",\"kernel\":\"6.1\"}")
                .andExpect(status().isContentTooLarge())
                .andExpect(jsonPath("$.error").value("too-large"))
                .andExpect(jsonPath("$.field").value("text"))
                .andExpect(jsonPath("$.limit").value(1024));
        // the limit is in bytes of UTF-8: 342 three-byte characters are 1026 bytes
        create("{\"text\":\"" + "✓".repeat(342) + "\",\"kernel\":\"6.1\"}")
                .andExpect(status().isContentTooLarge())
                .andExpect(jsonPath("$.field").value("text"));
    }

    @Test
    void aHugeBodyIsRefusedBeforeItIsParsed() throws Exception {
        create("{\"text\":\"" + "x".repeat(200_000) + "\",\"kernel\":\"6.1\"}")
                .andExpect(status().isContentTooLarge())
                .andExpect(jsonPath("$.field").value("body"));
    }

    @Test
    void creationIsRateLimitedPerClientWith429NamingTheLimit() throws Exception {
        for (int i = 0; i < 3; i++) {
            create("{\"text\":\"process r" + i + "\",\"kernel\":\"6.1\"}").andExpect(status().isCreated());
        }
        create("{\"text\":\"process r9\",\"kernel\":\"6.1\"}")
                .andExpect(status().isTooManyRequests())
                .andExpect(header().exists("Retry-After"))
                .andExpect(jsonPath("$.error").value("rate-limited"))
                .andExpect(jsonPath("$.limit").value("3 links per 1 h per client"));
        // another client is not affected; reading is not limited
        mvc.perform(post("/api/links").contentType(MediaType.APPLICATION_JSON).content("{\"text\":\"p\",\"kernel\":\"6.1\"}")
                        .with(r -> {
                            r.setRemoteAddr("127.0.2.1");
                            return r;
                        }))
                .andExpect(status().isCreated());
    }

    @Test
    void notJsonIs415AndUnknownIdsAre404AsJson() throws Exception {
        mvc.perform(post("/api/links").contentType(MediaType.TEXT_PLAIN).content("text"))
                .andExpect(status().isUnsupportedMediaType())
                .andExpect(jsonPath("$.error").value("unsupported-media-type"));
        mvc.perform(get("/api/links/zzzzzz"))
                .andExpect(status().isNotFound())
                .andExpect(jsonPath("$.error").value("not-found"))
                .andExpect(jsonPath("$.field").value("id"));
        mvc.perform(get("/api/links/<script>"))
                .andExpect(status().isNotFound())
                .andExpect(jsonPath("$.error").value("not-found"));
    }

    private void expectInvalid(String body, String field) throws Exception {
        create(body)
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error").value("invalid"))
                .andExpect(jsonPath("$.field").value(field))
                .andExpect(jsonPath("$.message").isString())
                .andExpect(jsonPath("$.trace").doesNotExist());
    }

    private JsonNode body(ResultActions result) throws Exception {
        return json.readTree(result.andReturn().getResponse().getContentAsString());
    }
}
