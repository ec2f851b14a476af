package io.cowscope.web.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

/**
 * Votes in class (issue 13) over the in-memory broker: a presenter in predict mode and three followers;
 * the presenter's question appears on each follower's screen, each votes once, the presenter's live
 * histogram counts them, and after the reveal every screen shows the answer beside the distribution.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = "spring.datasource.url=jdbc:h2:mem:classvote-browser;DB_CLOSE_DELAY=-1")
class ClassVoteBrowserTest extends BrowserSupport {
    private final List<ChromeDriver> others = new ArrayList<>();
    private final List<ChromeDriverService> services = new ArrayList<>();
    private final List<Path> profiles = new ArrayList<>();

    private ChromeDriver newBrowser() throws IOException {
        Path profile = Files.createTempDirectory("cowscope-chromium-v-");
        profiles.add(profile);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1400,900", "--user-data-dir=" + profile,
                "--force-prefers-reduced-motion");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        services.add(service);
        ChromeDriver d = new ChromeDriver(service, options);
        others.add(d);
        return d;
    }

    @AfterEach
    void stopOthers() throws IOException {
        for (ChromeDriver d : others) {
            try {
                d.quit();
            } catch (RuntimeException ignored) {
                // gone
            }
        }
        services.forEach(ChromeDriverService::stop);
        for (Path p : profiles) {
            try (Stream<Path> paths = Files.walk(p)) {
                paths.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    private static Object run(WebDriver d, String script) {
        return ((JavascriptExecutor) d).executeScript(script);
    }

    private static long stepOf(WebDriver d) {
        Object n = run(d, "const s = window.cowscope && window.cowscope.store.state.session; return s ? s.step : -1");
        return ((Number) n).longValue();
    }

    private static WebDriverWait waitOn(WebDriver d) {
        return new WebDriverWait(d, WAIT);
    }

    @Test
    void aPresenterAndThreeFollowersVoteAndTheHistogramCountsThem() throws IOException {
        driver.get(url("?gallery=cve-2020-29374-vmsplice&kernel=5.7&predict=1"));
        wait.until(d -> stepOf(d) == 0);
        driver.findElement(By.id("present-button")).click();
        driver.findElement(By.id("present-start")).click();
        wait.until(d -> driver.findElement(By.id("present-code")).getText().matches("[A-Z2-9]{6}"));
        String join = driver.findElement(By.id("present-join-link")).getDomProperty("value");
        driver.findElement(By.cssSelector("#present-dialog .dialog-close")).click();

        List<ChromeDriver> followers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ChromeDriver f = newBrowser();
            f.get(join);
            followers.add(f);
        }
        for (ChromeDriver f : followers) waitOn(f).until(d -> stepOf(d) == 0);

        // the presenter steps until predict mode stops before a decision
        int guard = 0;
        while (driver.findElements(By.cssSelector("#teach-panel:not([hidden]) #teach-prompt")).isEmpty()) {
            long before = stepOf(driver);
            run(driver, "window.cowscope.send({type: 'step', v: 1, dir: 'forward'})");
            wait.until(d -> stepOf(d) == before + 1 || !d.findElements(By.cssSelector("#teach-panel:not([hidden]) #teach-prompt")).isEmpty());
            assertThat(++guard).isLessThan(20);
        }
        String[] votes = {"reuse", "reuse", "copy"};
        for (int i = 0; i < 3; i++) {
            ChromeDriver f = followers.get(i);
            waitOn(f).until(ExpectedConditions.elementToBeClickable(By.cssSelector("#vote-panel [data-choice='" + votes[i] + "']"))).click();
            waitOn(f).until(ExpectedConditions.textToBePresentInElementLocated(By.id("vote-mine"), "Your vote: " + votes[i]));
            // once: the choices are gone after voting
            assertThat(f.findElements(By.cssSelector("#vote-panel .vote-choice"))).isEmpty();
        }
        wait.until(ExpectedConditions.textToBe(By.id("vote-total"), "3"));
        assertThat(driver.findElement(By.cssSelector("#vote-panel .vote-count[data-choice='reuse']")).getText()).isEqualTo("2");
        assertThat(driver.findElement(By.cssSelector("#vote-panel .vote-count[data-choice='copy']")).getText()).isEqualTo("1");
        screenshot("vote-presenter-live.png");

        // the presenter reveals: the engine's answer at 5.7, with the class's distribution beside it
        driver.findElement(By.cssSelector("#teach-panel [data-choice='reuse']")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("teach-reveal")));
        String correct = driver.findElement(By.id("teach-correct")).getText();
        for (ChromeDriver f : followers) {
            waitOn(f).until(ExpectedConditions.textToBePresentInElementLocated(By.id("vote-answer"), correct));
            assertThat(f.findElement(By.cssSelector("#vote-panel .vote-count[data-choice='reuse']")).getText()).isEqualTo("2");
            assertThat(f.findElement(By.cssSelector("#vote-panel .vote-count[data-choice='copy']")).getText()).isEqualTo("1");
        }
        assertThat(followers.get(0).findElement(By.id("vote-verdict")).getText())
                .startsWith(correct.equals("reuse") ? "✓" : "✗");
        assertThat(driver.findElement(By.id("vote-total")).getText()).isEqualTo("3");
    }
}
