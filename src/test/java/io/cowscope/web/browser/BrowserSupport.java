package io.cowscope.web.browser;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.io.ClassPathResource;

/**
 * The browser setup shared by the page's Selenium tests (io.cowscope.web.BrowserTests, the explorer's and the share front end's):
 * Debian's headless Chromium and ChromeDriver by explicit path, so Selenium Manager never looks
 * for a browser; skipped with the reason when they or the bundle are missing, failed under CI.
 */
@ExtendWith(BrowserSupport.NeedsBrowser.class)
public abstract class BrowserSupport {
    static final Path CHROMIUM = Path.of(System.getProperty("cowscope.chromium", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getProperty("cowscope.chromedriver", "/usr/bin/chromedriver"));
    static final Duration WAIT = Duration.ofSeconds(30);

    @LocalServerPort
    protected int port;

    protected ChromeDriverService service;
    protected WebDriver driver;
    protected WebDriverWait wait;
    private Path profile;

    static String missing() {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            return "browser tests need " + CHROMIUM + " and " + CHROMEDRIVER
                    + " (Debian: apt-get install -y chromium chromium-driver; .ci/run does this)";
        }
        if (!new ClassPathResource("static/assets/app.js").exists()) {
            return "browser tests need the front-end bundle (target/classes/static/assets/app.js); "
                    + "build without -Dfrontend.skip=true";
        }
        return null;
    }

    static boolean required() {
        return "true".equalsIgnoreCase(System.getenv("CI")) || Boolean.getBoolean("cowscope.browser.required");
    }

    static final class NeedsBrowser implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            String missing = missing();
            if (missing == null || required()) {
                return ConditionEvaluationResult.enabled("Chromium, ChromeDriver and the bundle are checked in @BeforeAll");
            }
            System.out.println(context.getDisplayName() + " SKIPPED: " + missing);
            return ConditionEvaluationResult.disabled(missing);
        }
    }

    @BeforeAll
    protected static void failWhenRequiredAndMissing() {
        String missing = missing();
        if (missing != null) {
            fail(missing + " (required: CI=true or -Dcowscope.browser.required=true)");
        }
    }

    @BeforeEach
    protected void startBrowser() throws IOException {
        profile = Files.createTempDirectory("cowscope-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1600,1000", "--user-data-dir=" + profile,
                // instant transitions: the tests look at states, not at motion
                "--force-prefers-reduced-motion");
        service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        wait = new WebDriverWait(driver, WAIT);
    }

    @AfterEach
    protected void stopBrowser() throws IOException {
        try {
            if (driver != null) {
                driver.quit();
            }
        } finally {
            if (service != null) {
                service.stop();
            }
            deleteRecursively(profile);
        }
    }

    protected String url(String query) {
        return "http://localhost:" + port + "/" + query;
    }

    Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    long number(String script, Object... args) {
        return ((Number) js(script, args)).longValue();
    }

    /** Kept under target/screenshots/ for a person to look at. */
    protected void screenshot(String name) throws IOException {
        File shot = ((ChromeDriver) driver).getScreenshotAs(OutputType.FILE);
        Path dir = Files.createDirectories(Path.of("target", "screenshots"));
        Files.copy(shot.toPath(), dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }
}
