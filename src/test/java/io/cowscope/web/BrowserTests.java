package io.cowscope.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import io.cowscope.engine.EngineInfo;
import io.cowscope.system.AppVersion;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.io.ClassPathResource;

/**
 * The page in a real browser: Debian's headless Chromium, driven by Selenium through Debian's
 * ChromeDriver. Both paths are given explicitly, so Selenium Manager never looks for (or
 * downloads) a browser. Without them the test is skipped with a message, except under CI=true (or
 * -Dcowscope.browser.required=true), where it fails: CI installs them, so a skip would hide a gap.
 * Paths can be changed with -Dcowscope.chromium=… and -Dcowscope.chromedriver=….
 */
@ExtendWith(BrowserTests.NeedsBrowser.class)
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class BrowserTests {
    private static final Path CHROMIUM = Path.of(System.getProperty("cowscope.chromium", "/usr/bin/chromium"));
    private static final Path CHROMEDRIVER = Path.of(System.getProperty("cowscope.chromedriver", "/usr/bin/chromedriver"));
    private static final Duration WAIT = Duration.ofSeconds(20);

    @LocalServerPort
    int port;

    private ChromeDriverService service;
    private WebDriver driver;
    private Path profile;

    /** What the browser tests lack, or null when they can run. */
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

    /** Skips the class, before Spring starts, when something is missing, unless it is required. */
    static final class NeedsBrowser implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            String missing = missing();
            if (missing == null || required()) {
                return ConditionEvaluationResult.enabled("Chromium, ChromeDriver and the bundle are checked in @BeforeAll");
            }
            System.out.println("BrowserTests SKIPPED: " + missing);
            return ConditionEvaluationResult.disabled(missing);
        }
    }

    @BeforeAll
    static void failWhenRequiredAndMissing() {
        String missing = missing();
        if (missing != null) {
            fail(missing + " (required: CI=true or -Dcowscope.browser.required=true)");
        }
    }

    @BeforeEach
    void startBrowser() throws IOException {
        profile = Files.createTempDirectory("cowscope-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,800", "--user-data-dir=" + profile);
        service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        driver = new ChromeDriver(service, options);
    }

    @AfterEach
    void stopBrowser() throws IOException {
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

    @Test
    void thePageShowsTheVersionsFromTheHello() throws IOException {
        driver.get("http://localhost:" + port + "/");
        assertThat(driver.getTitle()).isEqualTo("cowscope");
        assertThat(driver.findElement(By.cssSelector("h1.app-name")).getText()).isEqualTo("cowscope");

        WebDriverWait wait = new WebDriverWait(driver, WAIT);
        WebElement status = driver.findElement(By.id("conn-status"));
        wait.until(ExpectedConditions.attributeToBe(status, "data-status", "connected"));
        screenshot("page-connected.png");

        assertThat(status.getText()).endsWith("Connected");
        assertThat(driver.findElement(By.id("server-version")).getText()).isEqualTo(AppVersion.serverName());
        assertThat(driver.findElement(By.id("engine-version")).getText()).isEqualTo("engine " + EngineInfo.VERSION);
        assertThat(driver.findElement(By.id("conn-error")).isDisplayed()).isFalse();
    }

    @Test
    void theReconnectActionConnectsAgain() {
        driver.get("http://localhost:" + port + "/");
        WebDriverWait wait = new WebDriverWait(driver, WAIT);
        WebElement status = driver.findElement(By.id("conn-status"));
        wait.until(ExpectedConditions.attributeToBe(status, "data-status", "connected"));

        driver.findElement(By.cssSelector("button[data-action='reconnect']")).click();
        wait.until(ExpectedConditions.attributeToBe(status, "data-status", "connected"));
        assertThat(driver.findElement(By.id("server-version")).getText()).isEqualTo(AppVersion.serverName());
    }

    /** Kept under target/screenshots/ for a person to look at. */
    private void screenshot(String name) throws IOException {
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
