package io.cowscope.share;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.io.ClassPathResource;

/**
 * Short-link and embed pages in a real browser (Debian's headless Chromium, as in
 * web.BrowserTests): under the Content-Security-Policy the bundle loads and connects, with no
 * CSP violation in the console; a page from another origin can frame /embed/… but not /s/….
 */
@ExtendWith(ShareBrowserTests.NeedsBrowser.class)
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = "spring.datasource.url=jdbc:h2:mem:share-browser;DB_CLOSE_DELAY=-1")
class ShareBrowserTests {
    private static final Path CHROMIUM = Path.of(System.getProperty("cowscope.chromium", "/usr/bin/chromium"));
    private static final Path CHROMEDRIVER = Path.of(System.getProperty("cowscope.chromedriver", "/usr/bin/chromedriver"));
    private static final Duration WAIT = Duration.ofSeconds(20);

    @LocalServerPort
    int port;

    @Autowired
    ShortLinks links;

    private ChromeDriverService service;
    private WebDriver driver;
    private Path profile;
    private HttpServer otherOrigin;

    static String missing() {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            return "needs " + CHROMIUM + " and " + CHROMEDRIVER + " (Debian: chromium chromium-driver; .ci/run installs them)";
        }
        if (!new ClassPathResource("static/assets/app.js").exists()) {
            return "needs the front-end bundle (build without -Dfrontend.skip=true once)";
        }
        return null;
    }

    static final class NeedsBrowser implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(org.junit.jupiter.api.extension.ExtensionContext context) {
            String missing = missing();
            if (missing == null || "true".equalsIgnoreCase(System.getenv("CI"))) {
                return ConditionEvaluationResult.enabled("checked in @BeforeEach");
            }
            String why = "ShareBrowserTests " + missing + "; skipped (required under CI=true)";
            if (context.getTestMethod().isEmpty()) System.out.println("SKIPPED " + why);
            return ConditionEvaluationResult.disabled(why);
        }
    }

    @BeforeEach
    void startBrowser() throws IOException {
        String missing = missing();
        if (missing != null) {
            fail(missing);
        }
        profile = Files.createTempDirectory("cowscope-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,800", "--user-data-dir=" + profile);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
    }

    @AfterEach
    void stop() throws IOException {
        try {
            if (driver != null) driver.quit();
        } finally {
            if (service != null) service.stop();
            if (otherOrigin != null) otherOrigin.stop(0);
            if (profile != null) {
                try (Stream<Path> paths = Files.walk(profile)) {
                    paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    @Test
    void aShortLinkPageLoadsAndConnectsUnderThePolicy() {
        String id = links.save(new LinkContent("title \"In a browser\"\nprocess p\n", "6.18", null, 1, null)).id();
        driver.get("http://localhost:" + port + "/s/" + id);
        assertThat(driver.getTitle()).isEqualTo("In a browser · cowscope");
        WebElement status = driver.findElement(By.id("conn-status"));
        new WebDriverWait(driver, WAIT).until(ExpectedConditions.attributeToBe(status, "data-status", "connected"));
        assertThat(driver.findElement(By.tagName("html")).getAttribute("data-link")).isEqualTo(id);
        assertThat(cspViolations()).isEmpty();
    }

    @Test
    void anotherOriginMayFrameTheEmbedButNotTheShortLinkPage() throws IOException {
        String id = links.save(new LinkContent("title \"Framed\"\nprocess p\n", "6.18", null, null, null)).id();
        // 127.0.0.1 and localhost are different origins: the parent page is served from the other one
        String html = "<!DOCTYPE html><title>parent</title>"
                + "<iframe id=\"embed\" src=\"http://localhost:" + port + "/embed/s/" + id + "?theme=dark\"></iframe>"
                + "<iframe id=\"page\" src=\"http://localhost:" + port + "/s/" + id + "\"></iframe>";
        otherOrigin = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        otherOrigin.createContext("/", exchange -> {
            byte[] body = html.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        otherOrigin.start();
        driver.get("http://127.0.0.1:" + otherOrigin.getAddress().getPort() + "/");

        WebDriverWait wait = new WebDriverWait(driver, WAIT);
        driver.switchTo().frame("embed");
        WebElement status = wait.until(ExpectedConditions.presenceOfElementLocated(By.id("conn-status")));
        wait.until(ExpectedConditions.attributeToBe(status, "data-status", "connected"));
        assertThat(driver.findElement(By.tagName("html")).getAttribute("data-theme")).isEqualTo("dark");

        driver.switchTo().defaultContent();
        // the browser refuses to render /s/…: it says so in the console, and the frame stays empty of ours
        List<String> seen = new ArrayList<>();
        wait.until(d -> {
            seen.addAll(consoleMessages());
            return seen.stream().anyMatch(m -> m.contains("frame-ancestors 'none'"));
        });
        driver.switchTo().frame("page");
        assertThat(driver.findElements(By.id("conn-status"))).isEmpty();
    }

    private List<String> consoleMessages() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream().map(LogEntry::getMessage).toList();
    }

    private List<String> cspViolations() {
        return consoleMessages().stream().filter(m -> m.contains("Content Security Policy")).toList();
    }
}
