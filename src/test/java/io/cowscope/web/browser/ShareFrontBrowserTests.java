package io.cowscope.web.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.cowscope.share.LinkContent;
import io.cowscope.share.ShortLinks;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.core.io.ClassPathResource;
import org.w3c.dom.Document;

/**
 * Issue 7's front end in headless Chromium against the real server: a full-state link opened in a
 * second browser with a fresh profile shows the same step, kernels and theme; a short link made in
 * the share dialog does too; the embed applies its options and shows no editor; the exports are a
 * parseable SVG, a PNG and an animated GIF; a follower keeps up with a presenter (step, kernel,
 * compare), detaches and follows again. Everything is driven through the page's own buttons.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = "spring.datasource.url=jdbc:h2:mem:sharefront-browser;DB_CLOSE_DELAY=-1")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ShareFrontBrowserTests extends BrowserSupport {
    private static final String CVE = "cve-2020-29374-vmsplice";

    @Autowired
    ShortLinks links;

    private final List<ChromeDriver> others = new ArrayList<>();
    private final List<ChromeDriverService> otherServices = new ArrayList<>();
    private final List<Path> otherProfiles = new ArrayList<>();

    /** Another browser, with its own fresh profile (nothing shared with the first: no storage, no cache). */
    private ChromeDriver newBrowser() throws IOException {
        return newBrowser(null);
    }

    /** With downloadDir, files the page offers are saved there without asking. */
    private ChromeDriver newBrowser(Path downloadDir) throws IOException {
        Path profile = Files.createTempDirectory("cowscope-chromium-b-");
        otherProfiles.add(profile);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1600,1000", "--user-data-dir=" + profile,
                "--force-prefers-reduced-motion");
        if (downloadDir != null) {
            options.setExperimentalOption("prefs", Map.of(
                    "download.default_directory", downloadDir.toString(),
                    "download.prompt_for_download", false,
                    "safebrowsing.enabled", false));
        }
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        otherServices.add(service);
        ChromeDriver other = new ChromeDriver(service, options);
        others.add(other);
        return other;
    }

    @AfterEach
    void stopOthers() throws IOException {
        for (ChromeDriver other : others) {
            try {
                other.quit();
            } catch (RuntimeException ignored) {
                // already gone
            }
        }
        otherServices.forEach(ChromeDriverService::stop);
        for (Path profile : otherProfiles) {
            try (Stream<Path> paths = Files.walk(profile)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static Object js(WebDriver d, String script, Object... args) {
        return ((JavascriptExecutor) d).executeScript(script, args);
    }

    private static WebDriverWait waitOn(WebDriver d) {
        return new WebDriverWait(d, WAIT);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> session(WebDriver d) {
        return (Map<String, Object>) js(d, """
                const s = window.cowscope.store.state.session;
                return s && {step: s.step, steps: s.steps, kernel: s.kernel, compare: s.compare, text: s.text,
                             pages: s.snapshot.pages.length, theme: document.documentElement.dataset.theme};""");
    }

    private static void waitForStep(WebDriver d, long step) {
        waitOn(d).until(x -> Boolean.TRUE.equals(js(x,
                "const s = window.cowscope && window.cowscope.store.state.session; return !!s && s.step === arguments[0]"
                        + " && document.getElementById('stage').getAttribute('data-pages') == s.snapshot.pages.length;", step)));
    }

    private static void waitOpened(WebDriver d) {
        waitOn(d).until(x -> {
            Object opened = js(x, "return document.documentElement.dataset.opened || ''");
            assertThat(opened).as("the link opens without failing").isNotEqualTo("failed");
            return "done".equals(opened);
        });
    }

    private void loadGalleryAt(String id, String kernel, String compare, int step) {
        driver.get(url("?gallery=" + id + "&kernel=" + kernel + (compare == null ? "" : "&compare=" + compare) + "&step=" + step));
        waitForStep(driver, step);
    }

    private void openShareDialog() {
        driver.findElement(By.id("share-button")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("share-dialog")));
    }

    /** Starts recording Content-Security-Policy violations in this page (from now on). */
    private static void recordViolations(WebDriver d) {
        js(d, """
                window.__csp = [];
                document.addEventListener('securitypolicyviolation',
                    (e) => window.__csp.push(e.violatedDirective + ' ' + e.sourceFile + ':' + e.lineNumber + ' ' + (e.sample || '')));""");
    }

    @SuppressWarnings("unchecked")
    private static List<Object> violations(WebDriver d) {
        return (List<Object>) js(d, "return window.__csp || ['not recording']");
    }

    void screenshotOf(WebDriver d, String name) throws IOException {
        Path dir = Files.createDirectories(Path.of("target", "screenshots"));
        Files.write(dir.resolve(name), ((ChromeDriver) d).getScreenshotAs(OutputType.BYTES));
    }

    @Test
    void aFullStateLinkOpensTheSameViewInAFreshBrowser() throws IOException {
        loadGalleryAt(CVE, "5.7", "6.18", 0);
        recordViolations(driver);
        for (int i = 1; i <= 4; i++) {
            new Actions(driver).sendKeys(Keys.ARROW_RIGHT).perform();
            waitForStep(driver, i);
        }
        new Actions(driver).sendKeys("t").perform(); // dark theme
        wait.until(d -> "dark".equals(js("return document.documentElement.dataset.theme")));
        openShareDialog();
        String link = driver.findElement(By.id("share-full")).getDomProperty("value");
        assertThat(link).startsWith(url("#v1:")).matches(".*#v1:[A-Za-z0-9_-]+$");
        // the dialog is modal and keyboard-first: the copy button has the focus
        assertThat(js("return document.activeElement.id")).isEqualTo("share-copy");
        assertThat(js("return document.getElementById('share-dialog').matches(':modal')")).isEqualTo(true);
        screenshot("share-dialog.png");
        assertThat(violations(driver)).as("CSP violations in the share dialog").isEmpty();
        // Tab stays inside the modal dialog; Escape closes it and gives the focus back to the Share button
        for (int i = 0; i < 25; i++) {
            new Actions(driver).sendKeys(Keys.TAB).perform();
            assertThat(js("return !!document.activeElement.closest('#share-dialog') || document.activeElement === document.body"))
                    .as("focus after %d tabs", i + 1).isEqualTo(true);
        }
        js("document.getElementById('share-copy').focus()");
        new Actions(driver).sendKeys(Keys.ARROW_RIGHT).perform();
        new Actions(driver).sendKeys(Keys.ESCAPE).perform();
        wait.until(d -> Boolean.FALSE.equals(js("return document.getElementById('share-dialog').open")));
        assertThat(js("return document.activeElement.id")).isEqualTo("share-button");
        try {
            Thread.sleep(800); // a step, had → been taken by the explorer, would have come back by now
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        assertThat(session(driver).get("step")).as("keys in the dialog do not step").isEqualTo(4L);
        Map<String, Object> here = session(driver);

        ChromeDriver fresh = newBrowser();
        fresh.get(link);
        waitOpened(fresh);
        waitForStep(fresh, 4);
        Map<String, Object> there = session(fresh);
        assertThat(there.get("step")).isEqualTo(4L);
        assertThat(there.get("kernel")).isEqualTo("5.7");
        assertThat(there.get("compare")).isEqualTo("6.18");
        assertThat(there.get("theme")).isEqualTo("dark");
        assertThat(there.get("text")).isEqualTo(here.get("text"));
        assertThat(there.get("pages")).isEqualTo(here.get("pages"));
        assertThat(fresh.findElement(By.id("stage2")).isDisplayed()).isTrue();
        assertThat(fresh.findElement(By.id("caption")).getText()).isEqualTo(driver.findElement(By.id("caption")).getText());
        screenshotOf(fresh, "share-full-link-opened.png");
    }

    @Test
    void aShortLinkFromTheDialogOpensAtItsStep() throws IOException {
        loadGalleryAt("basic-cow-after-fork", "6.18", null, 3);
        openShareDialog();
        // the QR code is an SVG drawn without style attributes (the CSP forbids them)
        WebElement qr = driver.findElement(By.cssSelector("#share-qr svg.qr path"));
        assertThat(qr.getAttribute("d")).startsWith("M4 4h7");
        assertThat(driver.findElements(By.cssSelector("#share-dialog [style]"))).isEmpty();
        driver.findElement(By.id("share-short-create")).click();
        WebElement shortInput = driver.findElement(By.id("share-short"));
        wait.until(d -> !shortInput.getDomProperty("value").isEmpty());
        String shortUrl = shortInput.getDomProperty("value");
        assertThat(shortUrl).matches(java.util.regex.Pattern.quote(url("s/")) + "[a-z2-7]{6,52}");
        assertThat(driver.findElement(By.id("share-error")).getText()).isEmpty();
        // the snippet now embeds the short link
        String id = shortUrl.substring(shortUrl.lastIndexOf('/') + 1);
        assertThat(driver.findElement(By.id("embed-snippet")).getDomProperty("value"))
                .startsWith("<iframe src=\"" + url("embed/s/" + id + "?step=3") + "\"");
        assertThat(links.find(id)).isPresent().get().extracting(LinkContent::step).isEqualTo(3);

        ChromeDriver fresh = newBrowser();
        fresh.get(shortUrl);
        waitOpened(fresh);
        waitForStep(fresh, 3);
        assertThat(session(fresh).get("kernel")).isEqualTo("6.18");
        assertThat(session(fresh).get("text")).isEqualTo(session(driver).get("text"));
        assertThat(fresh.getTitle()).startsWith("Basic copy-on-write after fork");
        screenshotOf(fresh, "share-short-link-opened.png");
    }

    /** Last: it uses up this client's short links for a minute. */
    @Test
    @Order(Integer.MAX_VALUE)
    void theDialogShowsTheRateLimitWhenShortLinksRunOut() {
        loadGalleryAt("basic-cow-after-fork", "6.18", null, 1);
        openShareDialog();
        // use up the limit (30 a minute per client) from this page, then ask through the dialog
        ((JavascriptExecutor) driver).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                const body = (i) => JSON.stringify({text: 'title "burst ' + i + '"\\nprocess p\\n', kernel: '6.18'});
                Promise.all(Array.from({length: 35}, (_, i) => fetch('/api/links', {method: 'POST', headers: {'Content-Type': 'application/json'}, body: body(i)})))
                  .then(() => done(true));""");
        driver.findElement(By.id("share-short-create")).click();
        WebElement error = driver.findElement(By.id("share-error"));
        wait.until(d -> !error.getText().isEmpty());
        assertThat(error.getText()).contains("Too many").contains("links per");
        assertThat(error.getAttribute("role")).isEqualTo("alert");
    }

    @Test
    void theEmbedAppliesItsOptionsAndShowsNoEditor() throws IOException {
        String text = new String(new ClassPathResource("scenarios/basic-cow-after-fork.cow").getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String id = links.save(new LinkContent(text, "6.18", null, 1, null)).id();
        driver.get(url("embed/s/" + id + "?step=4&theme=dark&controls=0"));
        waitOpened(driver);
        waitForStep(driver, 4);
        assertThat(session(driver).get("theme")).isEqualTo("dark");
        assertThat(driver.findElement(By.cssSelector(".editor-area")).isDisplayed()).isFalse();
        assertThat(driver.findElement(By.cssSelector(".timeline-area")).isDisplayed()).isFalse();
        assertThat(driver.findElements(By.id("share-button"))).isEmpty();
        assertThat(driver.findElement(By.id("stage")).isDisplayed()).isTrue();
        assertThat(driver.findElement(By.id("embed-open")).getAttribute("href")).startsWith(url("#v1:"));
        screenshot("embed-step4-dark.png");

        // a full-state link in the fragment, light theme, controls on, looping over steps 1-3
        String fragment = (String) js("return new URL(document.getElementById('embed-open').href).hash");
        driver.get(url("embed?theme=light&loop=1-3" + fragment));
        waitOpened(driver);
        assertThat(session(driver).get("theme")).isEqualTo("projector");
        assertThat(driver.findElement(By.cssSelector(".timeline-area")).isDisplayed()).isTrue();
        assertThat(driver.findElement(By.cssSelector(".editor-area")).isDisplayed()).isFalse();
        Set<Object> seen = new HashSet<>();
        long until = System.currentTimeMillis() + 7000;
        while (System.currentTimeMillis() < until) {
            seen.add(session(driver).get("step"));
            try {
                Thread.sleep(150);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        assertThat(seen).as("the loop stays within 1-3 and moves").isSubsetOf(1L, 2L, 3L).hasSizeGreaterThanOrEqualTo(2);
        screenshot("embed-loop-light.png");
    }

    private byte[] exported(String button, String suffix) {
        js("window.__before = (window.cowscopeShare.lastDownload() || {}).name");
        driver.findElement(By.id(button)).click();
        wait.until(d -> {
            Object name = js("const d = window.cowscopeShare.lastDownload(); return d && d.name !== window.__before ? d.name : null");
            if (name == null) {
                String error = driver.findElement(By.id("share-error")).getText();
                assertThat(error).as("export error").isEmpty();
            }
            return name != null;
        });
        assertThat((String) js("return window.cowscopeShare.lastDownload().name")).endsWith(suffix);
        return Base64.getDecoder().decode((String) js("return window.cowscopeShare.lastDownload().base64"));
    }

    @Test
    void exportsAreAValidSvgPngAndAnimatedGif() throws Exception {
        Path downloads = Files.createTempDirectory("cowscope-downloads-");
        otherProfiles.add(downloads);
        driver.quit(); // this test uses a browser that saves downloads
        driver = newBrowser(downloads);
        wait = waitOn(driver);
        loadGalleryAt(CVE, "5.7", null, 6);
        recordViolations(driver);
        openShareDialog();

        byte[] svg = exported("export-svg", ".svg");
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        Document doc = factory.newDocumentBuilder().parse(new ByteArrayInputStream(svg));
        assertThat(doc.getDocumentElement().getLocalName()).isEqualTo("svg");
        assertThat(doc.getDocumentElement().getNamespaceURI()).isEqualTo("http://www.w3.org/2000/svg");
        String svgText = new String(svg, StandardCharsets.UTF_8);
        assertThat(svgText).contains("Step 6 of").contains("kernel 5.7");
        // the narration is in it, and styles are attributes (no style attributes, no class-only looks)
        String caption = driver.findElement(By.id("caption")).getText();
        assertThat(svgText).contains(caption.substring(0, Math.min(20, caption.length())).replace("\"", "&quot;"));
        assertThat(svgText).doesNotContain(" style=\"");
        assertThat(doc.getElementsByTagNameNS("http://www.w3.org/2000/svg", "text").getLength()).isGreaterThan(10);
        assertThat(svgText).contains("transform=\"matrix(");

        byte[] png = exported("export-png", ".png");
        assertThat(java.util.Arrays.copyOf(png, 8)).containsExactly(0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a);
        ByteBuffer ihdr = ByteBuffer.wrap(png, 16, 8).order(ByteOrder.BIG_ENDIAN);
        int width = ihdr.getInt();
        int height = ihdr.getInt();
        assertThat(width).isGreaterThan(400);
        assertThat(height).isGreaterThan(200);

        driver.findElement(By.id("export-gif-from")).clear();
        driver.findElement(By.id("export-gif-from")).sendKeys("2");
        driver.findElement(By.id("export-gif-to")).clear();
        driver.findElement(By.id("export-gif-to")).sendKeys("4");
        byte[] gif = exported("export-gif", ".gif");
        assertThat(new String(gif, 0, 6, StandardCharsets.US_ASCII)).isEqualTo("GIF89a");
        assertThat(gifFrames(gif)).isEqualTo(3);
        // back where it was, and nothing the policy refused on the way
        waitForStep(driver, 6);
        assertThat(violations(driver)).as("CSP violations while exporting").isEmpty();
        // the page really offered them as files: the browser saved the same bytes
        for (byte[] bytes : List.of(svg, png, gif)) {
            waitOn(driver).until(d -> {
                try (Stream<Path> files = Files.list(downloads)) {
                    return files.filter(f -> !f.toString().endsWith(".crdownload")).anyMatch(f -> sameBytes(f, bytes));
                } catch (IOException e) {
                    return false;
                }
            });
        }
        try (Stream<Path> files = Files.list(downloads)) {
            assertThat(files.map(f -> f.getFileName().toString()).sorted().toList()).containsExactly(
                    "cve-2020-29374-vmsplice-after-fork-leaks-5.7-step6.png",
                    "cve-2020-29374-vmsplice-after-fork-leaks-5.7-step6.svg",
                    "cve-2020-29374-vmsplice-after-fork-leaks-5.7-steps2-4.gif");
        }
        Files.createDirectories(Path.of("target", "screenshots"));
        Files.write(Path.of("target", "screenshots", "export.png"), png);
        Files.write(Path.of("target", "screenshots", "export.gif"), gif);
        Files.write(Path.of("target", "screenshots", "export.svg"), svg);
    }

    private static boolean sameBytes(Path file, byte[] bytes) {
        try {
            return java.util.Arrays.equals(Files.readAllBytes(file), bytes);
        } catch (IOException e) {
            return false;
        }
    }

    /** Counts the image descriptors of a GIF by walking its blocks (a wrong length would throw). */
    static int gifFrames(byte[] gif) {
        int p = 6;
        int flags = gif[p + 4] & 0xff;
        p += 7;
        if ((flags & 0x80) != 0) p += 3 * (1 << ((flags & 7) + 1));
        int frames = 0;
        while (true) {
            int block = gif[p++] & 0xff;
            if (block == 0x3b) return frames;
            if (block == 0x21) {
                p++; // label
            } else if (block == 0x2c) {
                frames++;
                int local = gif[p + 8] & 0xff;
                p += 9;
                if ((local & 0x80) != 0) p += 3 * (1 << ((local & 7) + 1));
                p++; // LZW minimum code size
            } else {
                throw new AssertionError("unexpected GIF block 0x" + Integer.toHexString(block) + " at " + (p - 1));
            }
            for (int size = gif[p++] & 0xff; size != 0; size = gif[p++] & 0xff) p += size;
        }
    }

    @Test
    void aFollowerKeepsUpWithThePresenterAndCanDetach() throws IOException {
        loadGalleryAt(CVE, "5.7", null, 0);
        driver.findElement(By.id("present-button")).click();
        driver.findElement(By.id("present-start")).click();
        WebElement codeShown = driver.findElement(By.id("present-code"));
        wait.until(d -> codeShown.getText().matches("[A-Z2-9]{8}"));
        String code = codeShown.getText();
        String joinLink = driver.findElement(By.id("present-join-link")).getDomProperty("value");
        assertThat(joinLink).matches(java.util.regex.Pattern.quote(url("?room=")) + "[a-z2-7]{26}");
        screenshot("present-dialog.png");
        driver.findElement(By.cssSelector("#present-dialog .dialog-close")).click();

        ChromeDriver follower = newBrowser();
        follower.get(url(""));
        waitOn(follower).until(ExpectedConditions.attributeToBe(By.id("conn-status"), "data-status", "connected"));
        recordViolations(follower);
        follower.findElement(By.id("present-button")).click();
        follower.findElement(By.id("join-code")).sendKeys(code.toLowerCase());
        follower.findElement(By.cssSelector("#join-form button[type=submit]")).click();
        waitForStep(follower, 0);
        assertThat(session(follower).get("kernel")).isEqualTo("5.7");
        WebElement banner = follower.findElement(By.id("follow-banner"));
        assertThat(banner.getAttribute("aria-live")).isEqualTo("polite");
        waitOn(follower).until(d -> banner.getText().contains("Following the presenter (room " + code + ")"));

        // the presenter steps with the keyboard; the follower follows
        for (int i = 1; i <= 3; i++) {
            new Actions(driver).sendKeys(Keys.ARROW_RIGHT).perform();
            waitForStep(driver, i);
        }
        waitForStep(follower, 3);
        // into the step's kernel steps
        new Actions(driver).keyDown(Keys.SHIFT).sendKeys(Keys.ARROW_RIGHT).sendKeys(Keys.ARROW_RIGHT).keyUp(Keys.SHIFT).perform();
        wait.until(d -> Long.valueOf(1).equals(js("return window.cowscope.store.state.session.kernelStep")));
        waitOn(follower).until(d -> Long.valueOf(1).equals(js(follower, "return window.cowscope.store.state.session.kernelStep")));
        // another kernel and compare mode
        new Select(driver.findElement(By.id("kernel-picker"))).selectByValue("6.18");
        waitOn(follower).until(d -> "6.18".equals(session(follower).get("kernel")));
        waitForStep(follower, 3);
        new Select(driver.findElement(By.id("compare-picker"))).selectByValue("5.7");
        waitOn(follower).until(d -> "5.7".equals(session(follower).get("compare")));
        waitOn(follower).until(d -> follower.findElement(By.id("stage2")).isDisplayed());
        screenshotOf(follower, "follower-following.png");
        assertThat(violations(follower)).as("CSP violations while following").isEmpty();

        // detached, the follower goes its own way while the presenter moves on
        follower.findElement(By.id("follow-detach")).click();
        assertThat(follower.findElement(By.tagName("html")).getAttribute("data-following")).isEqualTo("detached");
        js(follower, "window.cowscope.send({type: 'goto', v: 1, step: 1})");
        waitForStep(follower, 1);
        js("document.activeElement.blur()"); // the focus was on the compare picker, where keys are the picker's
        new Actions(driver).sendKeys(Keys.END).perform();
        long end = ((Number) session(driver).get("steps")).longValue();
        waitForStep(driver, end);
        waitOn(follower).until(d -> banner.getText().contains("Detached") && banner.getText().contains("step " + end));
        assertThat(session(follower).get("step")).isEqualTo(1L);
        screenshotOf(follower, "follower-detached.png");
        // and follows again
        follower.findElement(By.id("follow-again")).click();
        waitForStep(follower, end);
        assertThat(follower.findElement(By.tagName("html")).getAttribute("data-following")).isEqualTo("on");

        // a follower who opens the join link in a fresh page catches up at once
        follower.get(joinLink);
        waitForStep(follower, end);
        assertThat(session(follower).get("kernel")).isEqualTo("6.18");
        assertThat(session(follower).get("compare")).isEqualTo("5.7");
        assertThat(session(follower).get("text")).isEqualTo(session(driver).get("text"));

        // the presenter reloads the tab: still presenting the same room, and the follower still follows
        driver.navigate().refresh();
        wait.until(d -> code.equals(js("return document.documentElement.dataset.presenting || ''")));
        waitForStep(driver, end);
        js("document.activeElement.blur()");
        new Actions(driver).sendKeys(Keys.HOME).perform();
        waitForStep(driver, 0);
        waitForStep(follower, 0);
        assertThat(driver.findElement(By.id("follow-banner")).getText()).contains("Presenting", code);

        // the presenter stops presenting: the follower is told, and stays where it was
        driver.findElement(By.id("present-button")).click();
        driver.findElement(By.id("present-stop")).click();
        WebElement left = follower.findElement(By.id("follow-banner"));
        waitOn(follower).until(d -> left.getText().contains("The presenter has left"));
        assertThat(left.getAttribute("data-mode")).isEqualTo("presenter-left");
        assertThat(session(follower).get("step")).isEqualTo(0L);
    }
}
