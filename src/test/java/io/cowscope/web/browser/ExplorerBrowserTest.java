package io.cowscope.web.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

/**
 * The explorer against the real session server: the lecturer's CVE-2020-29374 story on 5.7 (leak)
 * and 6.18 (no leak), compare mode, and stepping with the keyboard only. Counts are read from what
 * the server sent (the page keeps it in window.cowscope), never hard-coded.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class ExplorerBrowserTest extends BrowserSupport {
    private static final String CVE = "cve-2020-29374-vmsplice";

    private void openConnected() {
        driver.get(url(""));
        wait.until(ExpectedConditions.attributeToBe(By.id("conn-status"), "data-status", "connected"));
    }

    /**
     * Opens the gallery and clicks the scenario (it opens on its own kernel line), then picks the
     * kernel, as a lecturer would.
     */
    private void loadFromGallery(String id, String kernel) {
        driver.findElement(By.cssSelector("button[data-action='gallery']")).click();
        WebElement item = wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("[data-gallery='" + id + "']")));
        item.click();
        waitForSessionAt(0);
        if (!kernel.equals(js("return window.cowscope.store.state.session.kernel"))) {
            new Select(driver.findElement(By.id("kernel-picker"))).selectByValue(kernel);
            wait.until(d -> kernel.equals(js("return window.cowscope.store.state.session.kernel")));
            waitForSessionAt(0);
            // the keys step the scenario, not the picker
            js("document.activeElement.blur()");
        }
    }

    private void waitForSessionAt(long step) {
        wait.until(d -> Boolean.TRUE.equals(js(
                "const s = window.cowscope && window.cowscope.store.state.session; return !!s && s.step === arguments[0];", step)));
        // and painted: the position line and the stage are drawn in the same frame
        wait.until(d -> Boolean.TRUE.equals(js(
                "const s = window.cowscope.store.state.session;"
                        + " return document.getElementById('position').textContent.startsWith('step ' + arguments[0] + ' /')"
                        + " && document.getElementById('stage').getAttribute('data-pages') == s.snapshot.pages.length;", step)));
    }

    private long steps() {
        return number("return window.cowscope.store.state.session.steps");
    }

    private void stepToEnd() {
        new Actions(driver).sendKeys(Keys.END).perform();
        waitForSessionAt(steps());
    }

    private long serverPages(String which) {
        return number("return window.cowscope.store.state.session." + which + ".pages.length");
    }

    private int cardsOn(String svgId) {
        return driver.findElements(By.cssSelector("#" + svgId + " .layer-cards > .card:not([data-exiting])")).size();
    }

    @Test
    void onKernel57TheChildReadsTheParentsLaterWriteAndTheLeakBannerShows() throws IOException {
        openConnected();
        loadFromGallery(CVE, "5.7");
        screenshot("cve-5.7-start.png");
        for (int i = 1; i <= 6; i++) {
            new Actions(driver).sendKeys(Keys.ARROW_RIGHT).perform();
            waitForSessionAt(i);
        }
        // the parent's write: reused in place on 5.7
        assertThat(driver.findElement(By.id("decision")).getText()).contains("MAPCOUNT_REUSE");
        screenshot("cve-5.7-parent-write-reuses.png");
        stepToEnd();

        WebElement banner = driver.findElement(By.id("hazard-banner"));
        assertThat(banner.isDisplayed()).isTrue();
        assertThat(banner.getText()).contains("leak");
        assertThat(banner.getAttribute("data-type")).contains("leak");
        assertThat(cardsOn("stage")).isEqualTo(serverPages("snapshot"));
        assertThat(cardsOn("stage")).isGreaterThan(0);
        // the page the hazard names is outlined
        assertThat(driver.findElements(By.cssSelector("#stage .card.involved"))).isNotEmpty();
        // refcount and the sum of its sources agree on every card
        for (WebElement counts : driver.findElements(By.cssSelector("#stage .card-counts"))) {
            assertThat(counts.getText()).doesNotContain("≠");
        }
        screenshot("cve-5.7-end-leak.png");
    }

    @Test
    void onKernel618TheParentsWriteIsACopyAndNoBannerShows() throws IOException {
        openConnected();
        loadFromGallery(CVE, "6.18");
        stepToEnd();
        assertThat(driver.findElement(By.id("hazard-banner")).isDisplayed()).isFalse();
        assertThat(number("return window.cowscope.store.state.session.snapshot.hazards.length")).isZero();
        assertThat(cardsOn("stage")).isEqualTo(serverPages("snapshot"));
        // the parent's write at step 6 on 6.18 is a COW copy
        js("window.cowscope.send({type:'goto', v:1, step:6})");
        waitForSessionAt(6);
        assertThat(driver.findElement(By.id("decision")).getText()).containsIgnoringCase("copy");
        assertThat(cardsOn("stage")).isEqualTo(serverPages("snapshot"));
        screenshot("cve-6.18-parent-write-copies.png");
    }

    @Test
    void compareModeShowsBothKernelsSideBySide() throws IOException {
        openConnected();
        new Select(driver.findElement(By.id("compare-picker"))).selectByValue("6.18");
        loadFromGallery(CVE, "5.7");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("stage2")));
        stepToEnd();
        wait.until(d -> cardsOn("stage2") == serverPages("compareSnapshot"));
        assertThat(cardsOn("stage")).isEqualTo(serverPages("snapshot"));
        assertThat(cardsOn("stage2")).isEqualTo(serverPages("compareSnapshot"));
        assertThat(driver.findElement(By.id("stage-compare-kernel")).getText()).contains("6.18");
        assertThat(driver.findElement(By.id("stage-main-kernel")).getText()).contains("5.7");
        screenshot("cve-compare-5.7-6.18.png");
    }

    @Test
    void keyboardOnlyStepping() throws IOException {
        openConnected();
        new Actions(driver).sendKeys("g").perform();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("gallery")));
        // the first gallery item has the focus; Tab down to the CVE scenario and press Enter
        for (int i = 0; i < 40; i++) {
            String focused = (String) js("return document.activeElement.dataset.gallery || ''");
            if (CVE.equals(focused)) {
                break;
            }
            new Actions(driver).sendKeys(Keys.TAB).perform();
        }
        new Actions(driver).sendKeys(Keys.ENTER).perform();
        waitForSessionAt(0);
        js("document.activeElement.blur()");
        new Actions(driver).sendKeys(Keys.ARROW_RIGHT).perform();
        waitForSessionAt(1);
        new Actions(driver).sendKeys(Keys.ARROW_RIGHT).perform();
        waitForSessionAt(2);
        new Actions(driver).sendKeys(Keys.ARROW_LEFT).perform();
        waitForSessionAt(1);
        new Actions(driver).sendKeys(Keys.END).perform();
        waitForSessionAt(steps());
        new Actions(driver).sendKeys(Keys.HOME).perform();
        waitForSessionAt(0);
        new Actions(driver).sendKeys("b").perform();
        wait.until(d -> driver.findElements(By.cssSelector("#markers .tick.breakpoint")).size() == 1);
        new Actions(driver).sendKeys("?").perform();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("help")));
        assertThat(driver.findElement(By.id("help")).getText()).contains("Step forward");
        new Actions(driver).sendKeys(Keys.ESCAPE).perform();
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("help")));
        assertThat(driver.findElement(By.id("position")).getText()).startsWith("step 0 /");
        screenshot("keyboard-only.png");
    }

    @Test
    void spacePlaysToTheEndAndTheTimelineFillsWithMarkers() throws IOException {
        openConnected();
        loadFromGallery("rdma-pin-fork", "5.7");
        js("document.activeElement.blur()");
        new Actions(driver).sendKeys("+").sendKeys("+").sendKeys("+").perform();
        new Actions(driver).sendKeys(Keys.SPACE).perform();
        wait.until(d -> Boolean.TRUE.equals(js(
                "const s = window.cowscope.store.state; return s.session.step === s.session.steps && !s.ui.playing;")));
        waitForSessionAt(steps());
        // a marker per visited step with an event, each with a letter as well as a colour
        assertThat(driver.findElements(By.cssSelector("#markers .tick[class*='ev-']"))).isNotEmpty();
        for (WebElement tick : driver.findElements(By.cssSelector("#markers .tick[class*='ev-']"))) {
            assertThat(tick.getText()).isNotBlank();
        }
        assertThat(driver.findElements(By.cssSelector("#stage .seg-pin"))).isNotEmpty();
        assertThat(driver.findElement(By.cssSelector("#stage .seg-pin")).getText()).contains("1024");
        screenshot("rdma-pin-fork-played.png");
    }

    @Test
    void aOneGibMappingIsAStripNotOneNodePerPageAndTheDarkThemeApplies() throws IOException {
        openConnected();
        String text = "title \"1 GiB\"\nprocess p\np: big = mmap 1G\np: write big[0..99999] \"x\"\np: fork c\n";
        js("window.cowscope.send({type:'load', v:1, scenario:{text: arguments[0]}, kernel:'6.18'})", text);
        waitForSessionAt(0);
        new Actions(driver).sendKeys(Keys.END).perform();
        waitForSessionAt(steps());
        assertThat(driver.findElements(By.cssSelector("canvas.strip"))).hasSize(2);
        // the whole mapping's strip came from the server: one char per page
        wait.until(d -> number("return Object.values(window.cowscope.store.state.session.strips).filter(s => s.length === 262144).length") == 2);
        assertThat(number("return document.getElementsByTagName('*').length")).isLessThan(20_000);
        assertThat(number("return window.cowscope.store.state.session.snapshot.processes[0].vmas[0].pages")).isEqualTo(262_144);
        new Actions(driver).sendKeys("t").perform();
        wait.until(ExpectedConditions.attributeToBe(By.tagName("html"), "data-theme", "dark"));
        screenshot("one-gib-strip-dark.png");
    }

    @Test
    void aReconnectResumesTheSessionAtItsPosition() {
        openConnected();
        loadFromGallery(CVE, "5.7");
        js("document.activeElement.blur()");
        new Actions(driver).sendKeys(Keys.ARROW_RIGHT).sendKeys(Keys.ARROW_RIGHT).sendKeys(Keys.ARROW_RIGHT).perform();
        waitForSessionAt(3);
        String token = (String) js("return window.cowscope.store.state.session.token");
        driver.findElement(By.cssSelector("button[data-action='reconnect']")).click();
        wait.until(d -> number("return window.cowscope.store.state.connects") == 2);
        wait.until(ExpectedConditions.attributeToBe(By.id("conn-status"), "data-status", "connected"));
        waitForSessionAt(3);
        assertThat(js("return window.cowscope.store.state.session.token")).isEqualTo(token);
        assertThat(cardsOn("stage")).isEqualTo(serverPages("snapshot"));
    }
}
