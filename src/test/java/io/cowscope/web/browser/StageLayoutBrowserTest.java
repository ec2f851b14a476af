package io.cowscope.web.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

/**
 * Issue 12: a stage a lecture hall can read (docs/stage.md). The viewport (not the window) is set
 * to the stated size through CDP, the gallery's CVE-2020-29374 story is opened at the parent's
 * write, and the rendered size of the stage's state labels is measured: computed font size times
 * the SVG's screen scale, the CSS px a reader sees. Also: the phone layout, the embed, a COW
 * copy's own card and moving arrow, a bulk step's narration, the strip legend, and no console
 * errors (collected by a script installed before the page's own).
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class StageLayoutBrowserTest extends BrowserSupport {
    private static final String CVE = "cve-2020-29374-vmsplice";
    /** the parent's write: 5.7 reuses the page, 6.18 copies it */
    private static final int WRITE_STEP = 6;

    /**
     * The stage's labels: the state labels (pfn, ref/map numbers, PTE bits and target, PTE index,
     * process and mapping names) and the secondary ones (flag chips, refcount segment labels, a
     * mapping's address line, a process's meta line, the page's content, holders).
     */
    private static final List<String> LABELS = List.of(".card-pfn", ".card-counts", ".badge text", ".pte-target", ".pte-index",
            ".lane-title", ".vma-title", ".chip text", ".seg text", ".vma-flags", ".lane-meta", ".card-content", ".holder-title",
            ".holder-line");

    private static final String MEASURE = """
            const svg = document.getElementById(arguments[0]);
            const selectors = arguments[1];
            const found = {};
            let smallest = Infinity, smallestBox = Infinity, count = 0;
            for (const s of selectors) {
              for (const t of svg.querySelectorAll(s)) {
                const m = t.getScreenCTM();
                const r = t.getBoundingClientRect();
                if (!m || r.height === 0) continue;
                count++;
                found[s] = true;
                smallest = Math.min(smallest, parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b));
                smallestBox = Math.min(smallestBox, r.height);
              }
            }
            return {px: smallest, box: smallestBox, count: count, found: Object.keys(found)};
            """;

    /**
     * Every mapping's address line on a stage: none cut ("…"), each inside its mapping's box, and
     * all of it there (the lines together say what the state's mapping says). The lines drawn.
     */
    private static final String ADDRESS_LINES = """
            const svg = document.getElementById(arguments[0]);
            const s = window.cowscope.store.state.session;
            const hex = (n) => '0x' + n.toString(16);
            const squeeze = (t) => t.replace(/[·\\s]/g, '');
            const drawn = [];
            for (const vma of svg.querySelectorAll('.layer-vmas > .vma')) {
              const lines = [...vma.querySelectorAll('.vma-flags')];
              if (!lines.length) continue;
              const box = vma.querySelector('.vma-box').getBoundingClientRect();
              for (const t of lines) {
                const r = t.getBoundingClientRect();
                if (t.textContent.includes('…')) return 'cut: ' + t.textContent;
                if (r.right > box.right + 0.5 || r.left < box.left - 0.5) return 'outside its box: ' + t.textContent;
              }
              const key = vma.getAttribute('data-key');
              const proc = key.slice(0, key.indexOf('.')), name = key.slice(key.indexOf('.') + 1);
              const v = (svg.id === 'stage2' ? s.compareSnapshot : s.snapshot).processes.find((p) => p.name === proc).vmas.find((x) => x.var === name);
              const parts = v.ranges.map((r) => `[${r.first}..${r.last}] ${r.mapped ? r.prot : 'unmapped'}${r.flags.length ? ' ' + r.flags.join(' ') : ''}`).join(' · ');
              const text = lines.map((t) => t.textContent).join(' ');
              if (!squeeze(text).startsWith(squeeze(`${hex(v.start)}–${hex(v.start + v.pages * 4096)} ${parts}`))) return 'not all of it: ' + text + ' for ' + parts;
              drawn.push(text);
            }
            return drawn;
            """;

    @SuppressWarnings("unchecked")
    private void assertAddressLinesWhole(String svgId) {
        Object result = js(ADDRESS_LINES, svgId);
        assertThat(result).as("address lines on #" + svgId).isInstanceOf(List.class);
        List<Object> lines = (List<Object>) result;
        assertThat(lines).as("address lines drawn on #" + svgId).isNotEmpty();
        System.out.printf("address lines on #%s at %dx%d: %s%n", svgId, number("return innerWidth"), number("return innerHeight"), lines);
    }

    private void viewport(int width, int height) {
        ((ChromeDriver) driver).executeCdpCommand("Emulation.setDeviceMetricsOverride",
                Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", width < 600));
        // console errors and uncaught exceptions of every page from now on
        ((ChromeDriver) driver).executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", """
                window.__errors = [];
                const error = console.error.bind(console);
                console.error = (...a) => { window.__errors.push(a.map(String).join(' ')); error(...a); };
                addEventListener('error', (e) => window.__errors.push('error: ' + e.message));
                addEventListener('unhandledrejection', (e) => window.__errors.push('rejection: ' + e.reason));
                """));
    }

    private void assertViewport(int width, int height) {
        assertThat(number("return window.innerWidth")).isEqualTo(width);
        assertThat(number("return window.innerHeight")).isEqualTo(height);
    }

    private void openAt(String query, long step) {
        driver.get(url(query));
        waitForPainted(step);
    }

    private void waitForPainted(long step) {
        wait.until(d -> Boolean.TRUE.equals(js(
                "const s = window.cowscope && window.cowscope.store.state.session;"
                        + " return !!s && s.step === arguments[0] && document.getElementById('stage').getAttribute('data-pages') == s.snapshot.pages.length"
                        + " && (s.snapshot.pages.length === 0 || document.querySelectorAll('#stage .card').length > 0);", step)));
        // two frames: the resize observer's paint has run
        ((org.openqa.selenium.JavascriptExecutor) driver).executeAsyncScript(
                "const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(() => done(1)));");
    }

    @SuppressWarnings("unchecked")
    private double labelPx(String svgId) {
        Map<String, Object> m = (Map<String, Object>) js(MEASURE, svgId, LABELS);
        assertThat(((Number) m.get("count")).intValue()).as("labels measured on #" + svgId).isGreaterThan(10);
        // the secondary labels are measured too, not only the main ones
        assertThat((List<Object>) m.get("found")).as("kinds of labels on #" + svgId).contains(".chip text", ".seg text", ".lane-meta");
        double px = ((Number) m.get("px")).doubleValue();
        double box = ((Number) m.get("box")).doubleValue();
        System.out.printf("stage label size on #%s at %dx%d: %.1f px (smallest text box %.1f px; %s)%n", svgId,
                number("return innerWidth"), number("return innerHeight"), px, box, m.get("found"));
        return px;
    }

    private void assertNoConsoleErrors() {
        assertThat((List<Object>) js("return window.__errors || []")).isEmpty();
    }

    private void assertNoSidewaysScroll() {
        assertThat(number("return document.scrollingElement.scrollWidth")).isLessThanOrEqualTo(number("return window.innerWidth"));
    }

    private String shortLink(boolean compare) {
        String script = """
                const done = arguments[arguments.length - 1];
                const s = window.cowscope.store.state.session;
                const body = {text: s.text, kernel: '5.7', step: arguments[1]};
                if (arguments[0]) body.compare = '6.18';
                fetch('/api/links', {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify(body)})
                  .then(r => r.json()).then(j => done(j.id), e => done('failed: ' + e));
                """;
        return (String) ((org.openqa.selenium.JavascriptExecutor) driver).executeAsyncScript(script, compare, WRITE_STEP);
    }

    @Test
    void projectorAt1920x1080DrawsTheStateLabelsAtLeast18PxAndFillsTheArea() throws IOException {
        viewport(1920, 1080);
        openAt("?gallery=" + CVE + "&kernel=5.7&step=" + WRITE_STEP, WRITE_STEP);
        assertViewport(1920, 1080);
        assertThat(js("return document.documentElement.dataset.theme")).isEqualTo("projector");
        assertThat(labelPx("stage")).isGreaterThanOrEqualTo(18);
        // the drawing fills its area: the stage box is most of the window, and all of it is shown
        assertThat(number("return document.getElementById('stage').getBoundingClientRect().width")).isGreaterThan(1200);
        assertThat(js("return document.getElementById('stage').dataset.whole")).isEqualTo("true");
        // the mappings' address lines are whole (wrapped to their boxes, never cut)
        assertAddressLinesWhole("stage");
        assertNoSidewaysScroll();
        assertNoConsoleErrors();
        screenshot("stage-1920x1080-projector.png");
    }

    @Test
    void compareAt1366x768KeepsBothStagesAtLeast12Px() throws IOException {
        viewport(1366, 768);
        openAt("?gallery=" + CVE + "&kernel=5.7&compare=6.18&step=" + WRITE_STEP, WRITE_STEP);
        assertViewport(1366, 768);
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("stage2")));
        wait.until(d -> number("return document.querySelectorAll('#stage2 .card').length") > 0);
        assertThat(labelPx("stage")).isGreaterThanOrEqualTo(12);
        assertThat(labelPx("stage2")).isGreaterThanOrEqualTo(12);
        // one arrangement for both kernels
        assertThat(js("return document.getElementById('stage2').dataset.arrangement"))
                .isEqualTo(js("return document.getElementById('stage').dataset.arrangement"));
        assertNoSidewaysScroll();
        assertNoConsoleErrors();
        screenshot("stage-1366x768-compare.png");
    }

    @Test
    void anEmbedAt800x450Is13PxAlone11PxInCompare() throws IOException {
        viewport(800, 450);
        openAt("?gallery=" + CVE + "&kernel=5.7", 0);
        String single = shortLink(false);
        String compared = shortLink(true);
        assertThat(single).doesNotStartWith("failed");

        openAt("embed/s/" + single + "?step=" + WRITE_STEP, WRITE_STEP);
        assertViewport(800, 450);
        assertThat(labelPx("stage")).isGreaterThanOrEqualTo(13);
        // the whole story, no panning (the space-short form: the empty LRU batch left out, the pipe under the page)
        assertThat(js("return document.getElementById('stage').dataset.whole")).isEqualTo("true");
        // the narration is there, under the stage
        assertThat(driver.findElement(By.id("caption")).getText()).contains("secret-2");
        assertThat(number("return document.querySelector('.side').getBoundingClientRect().top"))
                .isGreaterThanOrEqualTo(number("return document.getElementById('stage').getBoundingClientRect().bottom") - 1);
        assertNoSidewaysScroll();
        screenshot("stage-embed-800x450.png");

        openAt("embed/s/" + compared + "?step=" + WRITE_STEP, WRITE_STEP);
        wait.until(d -> number("return document.querySelectorAll('#stage2 .card').length") > 0);
        assertThat(labelPx("stage")).isGreaterThanOrEqualTo(11);
        assertThat(labelPx("stage2")).isGreaterThanOrEqualTo(11);
        assertNoSidewaysScroll();
        assertNoConsoleErrors();
        screenshot("stage-embed-800x450-compare.png");
    }

    @Test
    void onAPhoneTheStageComesFirstAtLeast250PxTallWithTheControlsInABottomBar() throws IOException {
        viewport(390, 844);
        openAt("?gallery=" + CVE + "&kernel=5.7&step=" + WRITE_STEP, WRITE_STEP);
        assertViewport(390, 844);
        assertNoSidewaysScroll();
        long stageTop = number("return document.getElementById('stage').getBoundingClientRect().top");
        long stageHeight = number("return document.getElementById('stage').getBoundingClientRect().height");
        assertThat(stageHeight).isGreaterThanOrEqualTo(250);
        assertThat(stageTop).isLessThan(200);
        assertThat(number("return document.querySelector('.side').getBoundingClientRect().top")).isGreaterThan(stageTop);
        // the transport is on screen and is what a tap there hits
        for (String action : List.of("back", "play", "forward")) {
            assertThat(js("""
                    const b = document.querySelector("button[data-action='" + arguments[0] + "']");
                    const r = b.getBoundingClientRect();
                    if (r.bottom > innerHeight || r.top < 0 || r.right > innerWidth || r.left < 0) return 'off screen';
                    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
                    return b.contains(hit) ? 'ok' : 'covered by ' + (hit && hit.outerHTML.slice(0, 60));
                    """, action)).as(action).isEqualTo("ok");
        }
        driver.findElement(By.cssSelector("button[data-action='back']")).click();
        waitForPainted(WRITE_STEP - 1);
        assertNoSidewaysScroll();
        assertNoConsoleErrors();
        screenshot("stage-phone-390x844.png");
    }

    @Test
    void aCowCopyGetsItsOwnCardAndTheArrowMovesFromTheOldPageToTheNewOne() throws IOException {
        viewport(1600, 1000);
        openAt("?gallery=" + CVE + "&kernel=6.18&step=" + (WRITE_STEP - 1), WRITE_STEP - 1);
        String row = "parent.buf[0]";
        long oldPfn = number("return window.cowscope.store.state.session.snapshot.processes.find(p => p.name === 'parent').vmas[0].ptes[0].pfn");
        String oldCardTransform = (String) js("return document.querySelector(`#stage .layer-cards > .card[data-key='${arguments[0]}']`).style.transform", String.valueOf(oldPfn));
        String arrowBefore = (String) js("return document.querySelector(`#stage .layer-arrows > [data-key='${arguments[0]}']`).getAttribute('d')", row);

        new Actions(driver).sendKeys(Keys.ARROW_RIGHT).perform();
        waitForPainted(WRITE_STEP);
        long newPfn = number("return window.cowscope.store.state.session.snapshot.processes.find(p => p.name === 'parent').vmas[0].ptes[0].pfn");
        assertThat(newPfn).as("6.18 copies on the parent's write").isNotEqualTo(oldPfn);
        String card = "#stage .layer-cards > .card:not([data-exiting])[data-key='%s']";
        // the old page is still held by the pipe: its card stays, where it was
        assertThat(driver.findElements(By.cssSelector(card.formatted(oldPfn)))).hasSize(1);
        assertThat(js("return document.querySelector(arguments[0]).style.transform", card.formatted(oldPfn))).isEqualTo(oldCardTransform);
        // the copy has its own card, somewhere else
        assertThat(driver.findElements(By.cssSelector(card.formatted(newPfn)))).hasSize(1);
        String copyTransform = (String) js("return document.querySelector(arguments[0]).style.transform", card.formatted(newPfn));
        assertThat(copyTransform).isNotEqualTo(oldCardTransform);
        // the PTE's arrow now ends at the copy
        String arrowAfter = (String) js("return document.querySelector(`#stage .layer-arrows > [data-key='${arguments[0]}']`).getAttribute('d')", row);
        assertThat(arrowAfter).isNotEqualTo(arrowBefore);
        double copyMidY = ((Number) js("""
                const card = document.querySelector(arguments[0]);
                return new DOMMatrix(getComputedStyle(card).transform).f + card.querySelector('.card-box').height.baseVal.value / 2;
                """, card.formatted(newPfn))).doubleValue();
        double arrowEndY = ((Number) js("const p = document.querySelector(`#stage .layer-arrows > [data-key='${arguments[0]}']`); return p.getPointAtLength(p.getTotalLength()).y;", row)).doubleValue();
        assertThat(arrowEndY).isCloseTo(copyMidY, org.assertj.core.data.Offset.offset(1.0));
        assertNoConsoleErrors();
        screenshot("stage-cow-own-card.png");
    }

    @Test
    void theFitKeyUndoesAZoomAndTheViewNeverChangesTheState() {
        viewport(1366, 768);
        openAt("?gallery=" + CVE + "&kernel=5.7&step=" + WRITE_STEP, WRITE_STEP);
        assertThat(js("return document.getElementById('stage').dataset.arrangement")).isEqualTo("wide");
        assertAddressLinesWhole("stage");
        double fitted = Double.parseDouble((String) js("return document.getElementById('stage').dataset.scale"));
        js("document.activeElement && document.activeElement.blur()");
        new Actions(driver).sendKeys("]").perform();
        wait.until(d -> Double.parseDouble((String) js("return document.getElementById('stage').dataset.scale")) > fitted * 1.2);
        assertThat(labelPx("stage")).isGreaterThan(fitted * 14 * 1.2);
        new Actions(driver).sendKeys("f").perform();
        wait.until(d -> Double.parseDouble((String) js("return document.getElementById('stage').dataset.scale")) == fitted);
        assertThat(number("return window.cowscope.store.state.session.step")).isEqualTo(WRITE_STEP);
        assertNoConsoleErrors();
    }

    @Test
    void aHugetlbScenarioRendersItsFolioWithoutConsoleErrors() throws IOException {
        viewport(1600, 1000);
        driver.get(url(""));
        wait.until(ExpectedConditions.attributeToBe(By.id("conn-status"), "data-status", "connected"));
        String text = io.cowscope.scenario.Gallery.load().find("hugetlb-vmsplice-leak").orElseThrow().text();
        js("window.cowscope.send({type:'load', v:1, scenario:{text: arguments[0]}, kernel:'6.18'})", text);
        waitForPainted(0);
        new Actions(driver).sendKeys(Keys.END).perform();
        waitForPainted(number("return window.cowscope.store.state.session.steps"));
        // one 2 MiB hugetlb folio (flag hugetlb, not thp), its VMA flagged hugetlb, its alike pages folded onto one card
        assertThat(js("const ps = window.cowscope.store.state.session.snapshot.pages;"
                + " return ps.some(p => p.hugetlb && !p.free) && !ps.some(p => p.hugetlb && p.thp)")).isEqualTo(true);
        assertThat(js("return [...document.querySelectorAll('#stage .chip text')].map(t => t.textContent).join(' ')")).asString()
                .contains("hugetlb head");
        assertThat(number("return document.querySelectorAll('#stage .layer-cards > .card').length")).isLessThan(10);
        screenshot("stage-hugetlb.png");
        assertNoConsoleErrors();
    }

    /** At 1600×1000, the 512-page story (write, fork, the child's write) loaded at 6.18 and painted at its last step; returns the step count. */
    private long load512PagesAtTheEnd() {
        viewport(1600, 1000);
        driver.get(url(""));
        wait.until(ExpectedConditions.attributeToBe(By.id("conn-status"), "data-status", "connected"));
        String text = "title \"512 pages\"\nprocess p\np: b = mmap 512\np: write b \"x\"\np: fork c\nc: write b \"y\"\n";
        js("window.cowscope.send({type:'load', v:1, scenario:{text: arguments[0]}, kernel:'6.18'})", text);
        waitForPainted(0);
        new Actions(driver).sendKeys(Keys.END).perform();
        long steps = number("return window.cowscope.store.state.session.steps");
        waitForPainted(steps);
        return steps;
    }

    @Test
    void runsOfAlikeRowsAreMergedSoThe512PageStoryFitsWithoutPanningAndOpenOnEnter() throws IOException {
        load512PagesAtTheEnd();
        wait.until(d -> number("return document.querySelectorAll('#stage .pte-run').length") >= 2);
        // both processes' 512 rows fit at the floor: the first row of each run, one summary row for the rest
        assertThat(js("return document.getElementById('stage').dataset.arrangement")).asString().contains("merged");
        assertThat(js("return document.getElementById('stage').dataset.whole")).isEqualTo("true");
        assertThat(labelPx("stage")).isGreaterThanOrEqualTo(number("return Number(document.getElementById('stage').dataset.floor)") - 0.05);
        String run = (String) js("return document.querySelector('#stage .pte-run').textContent");
        assertThat(run).containsPattern("\\[1–\\d+\\] ×\\d+ same as \\[0\\]");
        // the pages of a run are counted on its first card, not drawn one by one
        assertThat(js("return [...document.querySelectorAll('#stage .chip text')].map(t => t.textContent).join(' ')")).asString().containsPattern("\\+\\d+ alike");
        assertThat(number("return document.querySelectorAll('#stage .layer-cards > .card').length")).isLessThan(10);
        long rowsMerged = number("return document.querySelectorAll('#stage .layer-rows > .pte:not(.pte-run):not([data-exiting])').length");
        screenshot("stage-512-merged.png");

        // Enter on a run draws it row by row (the stage pans to see them); F merges it again
        js("document.querySelector('#stage .pte-run').focus()");
        new Actions(driver).sendKeys(Keys.ENTER).perform();
        wait.until(d -> number("return document.querySelectorAll('#stage .layer-rows > .pte:not(.pte-run):not([data-exiting])').length") > rowsMerged + 10);
        // the other process's run stays merged (it is below the window now: the layout's count)
        assertThat(js("return document.getElementById('stage').dataset.runs")).isEqualTo("1");
        js("document.activeElement && document.activeElement.blur()");
        new Actions(driver).sendKeys("f").perform();
        wait.until(d -> "2".equals(js("return document.getElementById('stage').dataset.runs")));
        wait.until(d -> number("return document.querySelectorAll('#stage .pte-run:not([data-exiting])').length") == 2);
        assertThat(number("return window.cowscope.store.state.session.step")).isEqualTo(number("return window.cowscope.store.state.session.steps"));
        assertNoConsoleErrors();
    }

    @Test
    void aRunOpenedFromTheMergedFormIsKeptInTheShareLinkAndOnReload() throws IOException {
        long steps = load512PagesAtTheEnd();
        wait.until(d -> "2".equals(js("return document.getElementById('stage').dataset.runs")));
        String rows = "return document.querySelectorAll('#stage .layer-rows > .pte:not(.pte-run):not([data-exiting])').length";
        long merged = number(rows);
        // open the first run: its rows are drawn one by one, and the page keeps which one (link state)
        String run = (String) js("const r = document.querySelector('#stage .pte-run'); r.focus(); return r.getAttribute('data-key').replace(/:run$/, '')");
        new Actions(driver).sendKeys(Keys.ENTER).perform();
        wait.until(d -> number(rows) > merged + 10);
        wait.until(d -> Boolean.TRUE.equals(js("const o = window.cowscope.store.state.ui.openRuns; return o.length === 1 && o[0] === arguments[0]", run)));
        String link = (String) js("return window.cowscopeShare.currentLink()");
        assertThat(js("return window.cowscopeShare.decode(new URL(arguments[0]).hash).view.open", link)).isEqualTo(List.of(run));

        // the link, opened in a new page: the same step, that run open, the other merged
        driver.get("about:blank");
        driver.get(link);
        waitForPainted(steps);
        wait.until(d -> "done".equals(js("return document.documentElement.dataset.opened")));
        wait.until(d -> "1".equals(js("return document.getElementById('stage').dataset.runs")));
        wait.until(d -> number(rows) > merged + 10);
        // the opened run's rows, one by one (the other run, merged, is below the window: the layout's count)
        assertThat(number("return document.querySelectorAll(`#stage .layer-rows > .pte[data-pte^='${arguments[0].replace(/\\[\\d+\\]$/, '')}[']`).length", run)).isGreaterThan(10);
        screenshot("stage-512-run-opened-from-link.png");

        // reload: the address names the view (fragment), the run stays open
        driver.navigate().refresh();
        waitForPainted(steps);
        wait.until(d -> "done".equals(js("return document.documentElement.dataset.opened")));
        wait.until(d -> "1".equals(js("return document.getElementById('stage').dataset.runs")));
        assertThat(number(rows)).isGreaterThan(merged + 10);
        // F merges it again, and the address forgets it
        js("document.activeElement && document.activeElement.blur()");
        new Actions(driver).sendKeys("f").perform();
        wait.until(d -> "2".equals(js("return document.getElementById('stage').dataset.runs")));
        wait.until(d -> Boolean.TRUE.equals(js("return window.cowscopeShare.decode(location.hash).view.open === undefined")));
        assertNoConsoleErrors();
    }

    @Test
    void aRunOpenedInAGalleryScenarioIsKeptInItsAddress() {
        viewport(1600, 1000);
        driver.get(url("?gallery=" + CVE + "&kernel=5.7&step=" + WRITE_STEP + "&open=" + "parent.buf%5B0%5D"));
        waitForPainted(WRITE_STEP);
        assertThat(js("return window.cowscope.store.state.ui.openRuns")).isEqualTo(List.of("parent.buf[0]"));
        // the address keeps naming it as the view changes
        new Actions(driver).sendKeys(Keys.ARROW_LEFT).perform();
        waitForPainted(WRITE_STEP - 1);
        wait.until(d -> String.valueOf(js("return location.search")).contains("step=" + (WRITE_STEP - 1)));
        assertThat(js("return new URLSearchParams(location.search).get('open')")).isEqualTo("parent.buf[0]");
        assertNoConsoleErrors();
    }

        @Test
    void aBulkStepIsSummedUpAndABigMappingsStripLegendFitsItsBox() throws IOException {
        viewport(1600, 1000);
        driver.get(url(""));
        wait.until(ExpectedConditions.attributeToBe(By.id("conn-status"), "data-status", "connected"));
        String text = "title \"bulk\"\nprocess p\np: b = mmap 1024\np: write b \"x\"\np: fork c\nc: write b \"y\"\n";
        js("window.cowscope.send({type:'load', v:1, scenario:{text: arguments[0]}, kernel:'6.18'})", text);
        waitForPainted(0);
        new Actions(driver).sendKeys(Keys.END).perform();
        waitForPainted(number("return window.cowscope.store.state.session.steps"));
        long cows = number("return window.cowscope.store.state.session.report.eventCounts.cow || 0");
        assertThat(cows).isEqualTo(1024);
        String decision = driver.findElement(By.id("decision")).getText();
        assertThat(decision).contains("1,024 × cow").doesNotContain("more decisions");
        // the kernel steps picture the first pages only, and say which
        assertThat(driver.findElement(By.id("kernel-pictured")).getText())
                .contains("picture 16 of the 1,024 pages: c.b 0–15").contains("the other 1,008");
        // 1,024 pages: a strip per mapping; the legend stays inside the mapping's box
        assertThat(driver.findElements(By.cssSelector("#stage canvas.strip"))).isNotEmpty();
        assertThat(js("""
                for (const vma of document.querySelectorAll('#stage .vma')) {
                  const box = vma.querySelector('.vma-box').getBoundingClientRect();
                  for (const t of vma.querySelectorAll('.strip-legend')) {
                    const r = t.getBoundingClientRect();
                    if (r.right > box.right + 0.5 || r.bottom > box.bottom + 0.5) return 'legend outside its box: ' + t.textContent;
                  }
                }
                return 'ok';
                """)).isEqualTo("ok");
        assertNoConsoleErrors();
        screenshot("stage-bulk-1024-cows.png");
    }
}
