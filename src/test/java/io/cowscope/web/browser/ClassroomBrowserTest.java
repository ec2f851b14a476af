package io.cowscope.web.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

/**
 * The classroom try-out's gaps (issue 12): the gallery's own kernel, narration after a kernel
 * switch and after compare, a picture per kernel step, axe-core in every theme and on the embed,
 * the gallery's focus trap, the scrubber's preview, "run until" that finds nothing, the kept
 * theme, the favicon. Expected values are read from what the server sent, never hard-coded.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = "spring.datasource.url=jdbc:h2:mem:classroom-browser;DB_CLOSE_DELAY=-1")
class ClassroomBrowserTest extends BrowserSupport {
    static final Path AXE = Path.of("frontend", "node_modules", "axe-core", "axe.min.js");

    private void openConnected(String query) {
        driver.get(url(query));
        wait.until(ExpectedConditions.attributeToBe(By.id("conn-status"), "data-status", "connected"));
    }

    private void openGalleryItem(String id) {
        driver.findElement(By.cssSelector("button[data-action='gallery']")).click();
        wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("[data-gallery='" + id + "']"))).click();
        waitForSessionAt(0);
    }

    private void waitForSessionAt(long step) {
        wait.until(d -> Boolean.TRUE.equals(js(
                "const s = window.cowscope && window.cowscope.store.state.session; return !!s && s.step === arguments[0];", step)));
        wait.until(d -> Boolean.TRUE.equals(js(
                "const s = window.cowscope.store.state.session;"
                        + " return document.getElementById('position').textContent.startsWith('step ' + arguments[0] + ' /')"
                        + " && document.getElementById('stage').getAttribute('data-pages') == s.snapshot.pages.length;", step)));
    }

    private void press(CharSequence key) {
        new Actions(driver).sendKeys(key).perform();
    }

    private String session(String expression) {
        return String.valueOf(js("return window.cowscope.store.state.session." + expression));
    }

    private List<String> consoleErrors() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::getMessage)
                // the favicon is asserted on its own; a refused WebSocket reconnect is not the page's error
                .collect(Collectors.toList());
    }

    // ---------------------------------------------------------------- axe-core

    /** axe-core's violations on the page as it is now: "rule-id: n node(s) (first target)". */
    @SuppressWarnings("unchecked")
    private List<String> axeViolations() throws IOException {
        assumeTrue(Files.isReadable(AXE) || required(), "axe-core is in frontend/node_modules (npm ci)");
        if (!Boolean.TRUE.equals(js("return typeof window.axe === 'object'"))) {
            js(Files.readString(AXE));
        }
        Object result = ((org.openqa.selenium.JavascriptExecutor) driver).executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + " axe.run(document, {resultTypes: ['violations']})"
                        + ".then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
                        + "   nodes: v.nodes.slice(0, 4).map(n => n.target.join(' ') + ' :: ' + (n.failureSummary || '').replace(/\\s+/g, ' ').slice(0, 300)),"
                        + "   count: v.nodes.length}))))"
                        + ".catch(e => done([{id: 'axe-error', help: String(e), nodes: [], count: 1}]));");
        return ((List<Map<String, Object>>) result).stream()
                .map(v -> v.get("id") + " (" + v.get("count") + "): " + v.get("help") + " " + v.get("nodes"))
                .collect(Collectors.toList());
    }

    @Test
    void axeFindsNoViolationOnTheLoadedPageInEveryTheme() throws IOException {
        openConnected("?gallery=cve-2020-29374-vmsplice&step=4");
        waitForSessionAt(4);
        driver.manage().timeouts().scriptTimeout(java.time.Duration.ofSeconds(60));
        Map<String, List<String>> found = new java.util.LinkedHashMap<>();
        for (String theme : List.of("projector", "dark", "light")) {
            js("window.cowscope.store.dispatch({kind: 'ui', change: {theme: arguments[0]}})", theme);
            wait.until(d -> theme.equals(js("return document.documentElement.dataset.theme")));
            screenshot("axe-" + theme + ".png");
            List<String> violations = axeViolations();
            if (!violations.isEmpty()) {
                found.put(theme, violations);
            }
        }
        assertThat(found).as("axe-core violations on the loaded page, by theme").isEmpty();
    }

    @Test
    void axeFindsNoViolationOnTheEmbed() throws IOException {
        openConnected("");
        driver.manage().timeouts().scriptTimeout(java.time.Duration.ofSeconds(60));
        // a short link of a gallery scenario, made through the API the share dialog uses
        String text = Files.readString(Path.of("src", "main", "resources", "scenarios", "cve-2020-29374-vmsplice.cow"));
        Object id = ((org.openqa.selenium.JavascriptExecutor) driver).executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + " fetch('/api/links', {method: 'POST', headers: {'Content-Type': 'application/json'},"
                        + "   body: JSON.stringify({text: arguments[0], kernel: '5.7', step: 3})})"
                        + " .then(r => r.json()).then(j => done(j.id || JSON.stringify(j))).catch(e => done('error ' + e));", text);
        assertThat(String.valueOf(id)).matches("[a-z2-7]{6,}");
        for (String theme : List.of("light", "dark")) {
            driver.get(url("embed/s/" + id + "?step=3&theme=" + theme));
            wait.until(d -> Boolean.TRUE.equals(js(
                    "const s = window.cowscope && window.cowscope.store.state.session; return !!s && s.step === 3"
                            + " && document.getElementById('stage').getAttribute('data-pages') == s.snapshot.pages.length;")));
            screenshot("axe-embed-" + theme + ".png");
            assertThat(axeViolations()).as("axe-core on the embed (%s)", theme).isEmpty();
        }
        assertThat(consoleErrors()).as("console errors").isEmpty();
    }

    @Test
    void theGalleryOpensAScenarioOnItsOwnKernel() throws IOException {
        openConnected("");
        // the picker says 5.7 (the default); Dirty COW's file says kernel 4.8
        assertThat(new Select(driver.findElement(By.id("kernel-picker"))).getFirstSelectedOption().getAttribute("value")).isEqualTo("5.7");
        String fileKernel = String.valueOf(js("return (document.querySelector(\"[data-gallery='dirty-cow']\").textContent.match(/kernel (\\S+)/) || [])[1]"));
        openGalleryItem("dirty-cow");
        assertThat(session("kernel")).isEqualTo(fileKernel).isEqualTo("4.8");
        wait.until(d -> "4.8".equals(new Select(driver.findElement(By.id("kernel-picker"))).getFirstSelectedOption().getAttribute("value")));
        press(Keys.END);
        long end = Long.parseLong(session("steps"));
        waitForSessionAt(end);
        // the corruption: the write went into the file's page cache
        WebElement banner = driver.findElement(By.id("hazard-banner"));
        assertThat(banner.isDisplayed()).isTrue();
        assertThat(banner.getAttribute("data-type")).contains("file_corrupted");
        screenshot("gallery-dirty-cow-4.8.png");
        assertThat(consoleErrors()).as("console errors").isEmpty();
    }

    @Test
    void theNarrationStaysAfterAKernelSwitchAndAfterCompareIsTurnedOn() throws IOException {
        openConnected("");
        openGalleryItem("cve-2020-29374-vmsplice");
        for (int i = 1; i <= 4; i++) {
            press(Keys.ARROW_RIGHT);
            waitForSessionAt(i);
        }
        String op = session("report.op");
        assertThat(driver.findElement(By.id("caption")).getText()).contains(op);
        new Select(driver.findElement(By.id("kernel-picker"))).selectByValue("6.18");
        wait.until(d -> "6.18".equals(session("kernel")));
        waitForSessionAt(4);
        wait.until(d -> driver.findElement(By.id("caption")).getText().contains(op));
        assertThat(session("report.kernelSteps.length")).isNotEqualTo("0");
        assertThat(driver.findElements(By.cssSelector("#kernel-steps li"))).isNotEmpty();
        screenshot("narration-after-kernel-switch.png");

        new Select(driver.findElement(By.id("compare-picker"))).selectByValue("5.7");
        wait.until(d -> "5.7".equals(session("compare")));
        wait.until(d -> driver.findElement(By.id("caption")).getText().contains(op));
        assertThat(driver.findElements(By.cssSelector("#kernel-steps li"))).isNotEmpty();
        screenshot("narration-after-compare-on.png");
        assertThat(consoleErrors()).as("console errors").isEmpty();
    }

    @Test
    void theGalleryKeepsTheFocusInsideAndGivesItBack() throws IOException {
        openConnected("");
        WebElement opener = driver.findElement(By.cssSelector("button[data-action='gallery']"));
        opener.click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("gallery")));
        wait.until(d -> Boolean.TRUE.equals(js("return document.getElementById('gallery').contains(document.activeElement)")));
        long inside = number("return document.querySelectorAll('#gallery button').length");
        for (int i = 0; i < inside + 3; i++) {
            press(Keys.TAB);
            assertThat(js("return document.getElementById('gallery').contains(document.activeElement)"))
                    .as("focus after %d Tab(s)", i + 1).isEqualTo(true);
        }
        for (int i = 0; i < 3; i++) {
            new Actions(driver).keyDown(Keys.SHIFT).sendKeys(Keys.TAB).keyUp(Keys.SHIFT).perform();
            assertThat(js("return document.getElementById('gallery').contains(document.activeElement)"))
                    .as("focus after %d Shift+Tab(s)", i + 1).isEqualTo(true);
        }
        press(Keys.ESCAPE);
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("gallery")));
        wait.until(d -> Boolean.TRUE.equals(js("return document.activeElement === arguments[0]", opener)));

        // a pick closes it and puts the focus on the stage, where the arrows step
        press("g");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("gallery")));
        wait.until(d -> Boolean.TRUE.equals(js("return document.getElementById('gallery').contains(document.activeElement)")));
        press(Keys.ENTER);
        waitForSessionAt(0);
        wait.until(d -> "stage-area".equals(js("return document.activeElement.id")));
        press(Keys.ARROW_RIGHT);
        waitForSessionAt(1);
        // step out and share are told apart
        assertThat(driver.findElement(By.cssSelector("button[data-action='out']")).getText())
                .isNotEqualTo(driver.findElement(By.id("share-button")).getText())
                .doesNotContain(driver.findElement(By.id("share-button")).getText().substring(0, 1));
        assertThat(consoleErrors()).as("console errors").isEmpty();
    }

    @Test
    void theLegendExplainsEveryMarkerLetterAndNoLetterMeansTwoThings() {
        openConnected("");
        @SuppressWarnings("unchecked")
        List<String> letters = (List<String>) js("return [...document.querySelectorAll('#legend .marker-key [data-marker] .tick-sample')].map(e => e.textContent)");
        @SuppressWarnings("unchecked")
        List<String> meanings = (List<String>) js("return [...document.querySelectorAll('#legend .marker-key [data-marker] dd')].map(e => e.textContent)");
        assertThat(letters).hasSizeGreaterThanOrEqualTo(20).doesNotHaveDuplicates().doesNotContain("P");
        assertThat(meanings).hasSameSizeAs(letters).allMatch(m -> !m.isBlank());
    }

    @Test
    void theScrubberPreviewsWhileDragged() throws IOException {
        openConnected("");
        openGalleryItem("cve-2020-29374-vmsplice");
        long steps = Long.parseLong(session("steps"));
        WebElement scrubber = driver.findElement(By.id("scrubber"));
        int width = scrubber.getSize().getWidth();
        // hold the thumb at the start and drag to ~60 % without letting go
        new Actions(driver).moveToElement(scrubber, -width / 2 + 4, 0).clickAndHold().moveByOffset((int) (width * 0.6), 0).perform();
        wait.until(d -> Long.parseLong(session("step")) > 0);
        long during = Long.parseLong(session("step"));
        assertThat(during).isBetween(1L, steps);
        assertThat(driver.findElement(By.id("position")).getText()).startsWith("step " + during + " /");
        screenshot("scrubber-while-dragging.png");
        new Actions(driver).release().perform();
        wait.until(d -> String.valueOf(session("step")).equals(scrubber.getDomProperty("value")));
    }

    @Test
    void runUntilAConditionThatNeverHoldsSaysSo() {
        openConnected("");
        openGalleryItem("cve-2020-29374-vmsplice");
        driver.findElement(By.id("cond-target")).sendKeys("parent.buf[0]");
        new Select(driver.findElement(By.id("cond-field"))).selectByVisibleText("refcount");
        new Select(driver.findElement(By.id("cond-op"))).selectByVisibleText("==");
        driver.findElement(By.id("cond-value")).sendKeys("999");
        driver.findElement(By.cssSelector("#run-condition button[type='submit']")).click();
        long steps = Long.parseLong(session("steps"));
        waitForSessionAt(steps);
        wait.until(d -> !driver.findElement(By.id("run-result")).getText().isBlank());
        assertThat(driver.findElement(By.id("run-result")).getText()).contains("refcount == 999").contains("no later step matches");
        // a condition that holds stops there and says where
        press(Keys.HOME);
        waitForSessionAt(0);
        new Select(driver.findElement(By.id("run-event"))).selectByVisibleText("fault");
        wait.until(d -> driver.findElement(By.id("run-result")).getText().contains("stopped at step"));
    }

    @Test
    void theThemeIsKeptOnReloadAndThereIsAPlainLightTheme() {
        openConnected("");
        assertThat(js("return document.documentElement.dataset.theme")).isEqualTo("projector");
        press("t");
        wait.until(d -> "dark".equals(js("return document.documentElement.dataset.theme")));
        press("t");
        wait.until(d -> "light".equals(js("return document.documentElement.dataset.theme")));
        driver.navigate().refresh();
        wait.until(ExpectedConditions.attributeToBe(By.id("conn-status"), "data-status", "connected"));
        assertThat(js("return document.documentElement.dataset.theme")).isEqualTo("light");
        assertThat(driver.findElement(By.cssSelector("button[data-action='theme']")).getText()).contains("Light");
        // the light theme is its own: other colours than the projector's, still black on white
        assertThat(js("return getComputedStyle(document.documentElement).fontSize")).isNotEqualTo("18px");
        press("t");
        wait.until(d -> "projector".equals(js("return document.documentElement.dataset.theme")));
        driver.navigate().refresh();
        wait.until(ExpectedConditions.attributeToBe(By.id("conn-status"), "data-status", "connected"));
        assertThat(js("return document.documentElement.dataset.theme")).isEqualTo("projector");
    }

    @Test
    void theFaviconIsServedUnderTheSameHeaders() throws Exception {
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        java.net.http.HttpResponse<byte[]> icon = client.send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(url("favicon.ico"))).build(),
                java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        assertThat(icon.statusCode()).isEqualTo(200);
        // an ICO file: reserved 0, type 1
        assertThat(icon.body()).startsWith(0, 0, 1, 0);
        assertThat(icon.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
        java.net.http.HttpResponse<String> page = client.send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(url(""))).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(page.headers().firstValue("Content-Security-Policy")).isPresent();
        openConnected("");
        assertThat(consoleErrors()).as("console errors (a missing favicon is one)").isEmpty();
    }

    @Test
    void stepIntoDrawsEachKernelStepsOwnState() throws IOException {
        openConnected("");
        openGalleryItem("basic-cow-after-fork");
        // to the first COW, by the page's own "run to" control
        new Select(driver.findElement(By.id("run-event"))).selectByVisibleText("cow");
        wait.until(d -> Boolean.TRUE.equals(js("const s = window.cowscope.store.state.session; return !!s.report && (s.report.eventCounts.cow || 0) > 0")));
        long step = Long.parseLong(session("step"));
        waitForSessionAt(step);
        // the keys step the scenario, not the picker
        js("document.activeElement.blur()");
        long cardsAfter = number("return document.querySelectorAll('#stage .layer-cards > .card:not([data-exiting])').length");
        String pfnsAfter = String.valueOf(js("return [...document.querySelectorAll('#stage .layer-cards > .card:not([data-exiting])')].map(c => c.dataset.pfn).sort().join(',')"));
        @SuppressWarnings("unchecked")
        List<String> functions = (List<String>) js("return window.cowscope.store.state.session.report.kernelSteps.map(k => k.function)");
        int copyAt = functions.indexOf("wp_page_copy");
        assertThat(copyAt).as("kernel steps %s", functions).isPositive();
        List<String> pictures = new java.util.ArrayList<>();
        List<String> cardSets = new java.util.ArrayList<>();
        for (int i = 0; i < functions.size(); i++) {
            new Actions(driver).keyDown(Keys.SHIFT).sendKeys(Keys.ARROW_RIGHT).keyUp(Keys.SHIFT).perform();
            final long ks = i;
            wait.until(d -> Long.valueOf(ks).equals(js("return window.cowscope.store.state.session.kernelStep")));
            // drawn from the server's state at this kernel step
            wait.until(d -> Boolean.TRUE.equals(js("const s = window.cowscope.store.state.session;"
                    + " return !!s.kernelSnapshot && document.getElementById('stage').getAttribute('data-pages') == s.kernelSnapshot.pages.length"
                    + " && document.getElementById('position').textContent.includes('kernel step ' + (arguments[0] + 1));", ks)));
            cardSets.add(String.valueOf(js("return [...document.querySelectorAll('#stage .layer-cards > .card:not([data-exiting])')].map(c => c.dataset.pfn).sort().join(',')")));
            pictures.add(String.valueOf(js("return [...document.querySelectorAll('#stage .layer-rows .pte, #stage .layer-cards > .card:not([data-exiting])')].map(e => e.getAttribute('aria-label')).join('|')")));
            screenshot("kernel-step-" + i + "-" + functions.get(i) + ".png");
        }
        // before wp_page_copy: no copy yet; from wp_page_copy on: the copy, as after the step
        assertThat(cardSets.get(0)).as("at %s", functions.get(0)).isNotEqualTo(pfnsAfter);
        assertThat(cardSets.get(copyAt - 1)).as("just before wp_page_copy").isEqualTo(cardSets.get(0));
        assertThat(cardSets.get(copyAt)).as("at wp_page_copy").isEqualTo(pfnsAfter);
        assertThat(cardSets.get(functions.size() - 1).split(",")).hasSize((int) cardsAfter);
        // the PTE and the refcounts read differently before and at the copy
        assertThat(pictures.get(copyAt)).isNotEqualTo(pictures.get(copyAt - 1));
        assertThat(consoleErrors()).as("console errors").isEmpty();
    }

    /** Contrast of the stage's signals, from computed colours: "what: ratio < floor" for each that fails. */
    private static final String SIGNALS = """
            const rgb = (c) => { const m = /rgba?\\(([\\d.]+),\\s*([\\d.]+),\\s*([\\d.]+)(?:,\\s*([\\d.]+))?/.exec(c || ''); return m && (m[4] === undefined || +m[4] > 0) ? [+m[1], +m[2], +m[3]] : null; };
            const lum = (c) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }; return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]); };
            const ratio = (a, b) => { const x = lum(a), y = lum(b); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
            const background = (e) => { for (; e; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor); if (c) return c; } return [255, 255, 255]; };
            const out = [], seen = [];
            const check = (what, a, b, floor) => { if (!a || !b) { out.push(what + ': no colour'); return; } const r = ratio(a, b); seen.push(what); if (r < floor) out.push(what + ': ' + r.toFixed(2) + ' < ' + floor); };
            for (const row of [...document.querySelectorAll('#stage .pte:not(.differs):not(.selected)')].slice(0, 4)) {
              const card = rgb(getComputedStyle(row.querySelector('.pte-box')).fill);
              for (const b of row.querySelectorAll('.badge')) {
                const rect = getComputedStyle(b.querySelector('rect')), text = getComputedStyle(b.querySelector('text'));
                const label = row.dataset.pte + ' ' + b.textContent.trim() + (b.classList.contains('on') ? ' on' : ' off');
                check(label + ' outline', rgb(rect.stroke), card, 3);
                check(label + ' letter', rgb(text.fill), b.classList.contains('on') ? rgb(rect.fill) : card, b.classList.contains('on') ? 4.5 : 3);
              }
            }
            for (const tick of document.querySelectorAll('#markers .tick')) {
              if (!tick.textContent) continue;
              const style = getComputedStyle(tick), own = rgb(style.backgroundColor), bar = background(tick.parentElement);
              check('marker ' + tick.textContent + ' letter', rgb(style.color), own || bar, 4.5);
              if (own) check('marker ' + tick.textContent + ' edge', rgb(style.boxShadow), bar, 3);
            }
            return {failures: out, checked: seen.length};
            """;

    @Test
    void signalsReachThreeToOneAndTheirLettersFourAndAHalfInEveryTheme() throws IOException {
        openConnected("?gallery=cve-2020-29374-vmsplice&step=5");
        waitForSessionAt(5);
        // the background scan fills the markers
        wait.until(d -> number("return document.querySelectorAll('#markers .tick[class*=\"ev-\"]').length") >= 3);
        Map<String, Object> failures = new java.util.LinkedHashMap<>();
        for (String theme : List.of("projector", "dark", "light")) {
            js("window.cowscope.store.dispatch({kind: 'ui', change: {theme: arguments[0]}})", theme);
            wait.until(d -> theme.equals(js("return document.documentElement.dataset.theme")));
            @SuppressWarnings("unchecked")
            Map<String, Object> result = (Map<String, Object>) js(SIGNALS);
            assertThat(((Number) result.get("checked")).intValue()).as("signals checked in %s", theme).isGreaterThan(10);
            if (!((List<?>) result.get("failures")).isEmpty()) {
                failures.put(theme, result.get("failures"));
            }
            screenshot("signals-" + theme + ".png");
        }
        assertThat(failures).as("signals under their contrast floor, by theme").isEmpty();
    }
}
