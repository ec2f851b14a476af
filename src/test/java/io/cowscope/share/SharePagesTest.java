package io.cowscope.share;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;

/** /s/{id} and /embed pages, and the security headers on them and elsewhere. */
@SpringBootTest(properties = {
    "spring.datasource.url=jdbc:h2:mem:share-api;DB_CLOSE_DELAY=-1",
    "cowscope.share.max-text-bytes=1024",
    "cowscope.share.rate-limit.creations=3",
    "cowscope.share.rate-limit.per=1h"})
@AutoConfigureMockMvc
class SharePagesTest {
    private static final String HOSTILE = """
            # a comment
            title "<script>alert('x')</script> & \\"friends\\""
            description "First line: <b>bold</b>"
            description "second line."
            process p
            """;

    @Autowired
    MockMvc mvc;

    @Autowired
    ShortLinks links;

    private String page(String path, int status) throws Exception {
        MvcResult result = mvc.perform(get(path)).andExpect(status().is(status)).andReturn();
        return result.getResponse().getContentAsString();
    }

    @Test
    void aShortLinkPageCarriesTitleAndDescriptionEscapedInOpenGraph() throws Exception {
        String id = links.save(new LinkContent(HOSTILE, "6.18", null, 2, null)).id();
        String page = page("/s/" + id, 200);
        String title = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;friends&quot;";
        assertThat(page)
                .contains("<title>" + title + " · cowscope</title>")
                .contains("<meta property=\"og:title\" content=\"" + title + "\">")
                .contains("<meta property=\"og:description\" content=\"First line: &lt;b&gt;bold&lt;/b&gt; second line.\">")
                .contains("<meta property=\"og:url\" content=\"http://localhost/s/" + id + "\">")
                .doesNotContain("<script>alert", "<b>bold");
        assertThat(page).containsPattern("<html lang=\"en\" data-link=\"" + id + "\">");
        // the explorer's own body and bundle, and no inline script
        assertThat(page).contains("id=\"conn-status\"");
        assertThat(page).containsPattern("<script type=\"module\" src=\"/assets/app[^\"]*\\.js\"></script>");
        assertThat(page).doesNotContainPattern("<script(?![^>]*\\bsrc=)[^>]*>");
    }

    @Test
    void aScenarioWithoutTitleGetsAGenericOne() throws Exception {
        String id = links.save(new LinkContent("process untitled\n", "6.18", null, null, null)).id();
        assertThat(page("/s/" + id, 200)).contains("<title>Shared scenario · cowscope</title>",
                "content=\"" + SharePageController.DEFAULT_DESCRIPTION + "\"");
    }

    @Test
    void anUnknownShortLinkIs404WithAPlainPage() throws Exception {
        String page = page("/s/zzzzzzz", 404);
        assertThat(page).contains("There is no short link zzzzzzz.").doesNotContain("app.js", "conn-status");
    }

    @Test
    void embedPagesPassTheirOptionsAsDataAttributesAndMayBeFramed() throws Exception {
        String id = links.save(new LinkContent("title \"Embedded\"\nprocess e\n", "5.7", null, null, null)).id();
        MvcResult result = mvc.perform(get("/embed/s/" + id + "?step=3&loop=2-5&theme=dark&controls=0"))
                .andExpect(status().isOk())
                .andExpect(header().doesNotExist("X-Frame-Options"))
                .andReturn();
        assertThat(result.getResponse().getHeader("Content-Security-Policy")).endsWith("frame-ancestors *");
        String page = result.getResponse().getContentAsString();
        assertThat(page).contains("data-embed=\"1\"", "data-link=\"" + id + "\"", "data-step=\"3\"", "data-loop=\"2-5\"",
                "data-theme=\"dark\"", "data-controls=\"0\"", "<title>Embedded · cowscope</title>", "id=\"conn-status\"");

        // without a short link the front end reads a full-state link from the fragment
        String bare = page("/embed", 200);
        String html = bare.substring(bare.indexOf("<html lang"), bare.indexOf('>', bare.indexOf("<html lang")));
        assertThat(html).contains("data-embed=\"1\"", "data-theme=\"auto\"", "data-controls=\"1\"").doesNotContain("data-link", "data-step");
    }

    @Test
    void badEmbedOptionsAre400NamingTheOption() throws Exception {
        assertThat(page("/embed?loop=5-2", 400)).contains("Bad embed option loop");
        assertThat(page("/embed?theme=%3Cx%3E", 400)).contains("Bad embed option theme").doesNotContain("<x>");
        assertThat(page("/embed/s/zzzzzzz", 404)).contains("There is no short link");
    }

    @Test
    void theStyleNonceIsNewForEveryResponseAndThePageCarriesIt() throws Exception {
        MvcResult first = mvc.perform(get("/")).andReturn();
        MvcResult second = mvc.perform(get("/")).andReturn();
        String nonce = first.getResponse().getHeader("Content-Security-Policy").replaceAll(".*'nonce-([^']+)'.*", "$1");
        assertThat(second.getResponse().getHeader("Content-Security-Policy")).doesNotContain(nonce);
        assertThat(first.getResponse().getContentAsString()).contains("<meta name=\"csp-nonce\" content=\"" + nonce + "\">");
    }

    @Test
    void everyOtherPageRefusesFramingAndHasAStrictPolicy() throws Exception {
        for (String path : new String[] {"/", "/api/links/zzzzzz", "/s/zzzzzz", "/no-such-page", "/embedded"}) {
            MvcResult result = mvc.perform(get(path)).andReturn();
            String policy = result.getResponse().getHeader("Content-Security-Policy");
            assertThat(result.getResponse().getHeader("X-Frame-Options")).as(path).isEqualTo("DENY");
            assertThat(policy).as(path).contains("script-src 'self';", "frame-ancestors 'none'",
                    "connect-src 'self' ws://localhost:80 wss://localhost:80").doesNotContain("unsafe")
                    .containsPattern("style-src 'self' 'nonce-[A-Za-z0-9+/]{22}==';");
            assertThat(result.getResponse().getHeader("X-Content-Type-Options")).isEqualTo("nosniff");
            assertThat(result.getResponse().getHeader("Referrer-Policy")).isEqualTo("no-referrer");
        }
    }
}
