package io.cowscope.web.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

/**
 * Votes in class (issue 13) over the in-memory broker: a presenter in predict mode and three followers;
 * the presenter's question appears on each follower's screen, each votes once, the presenter's live
 * histogram counts them, a fourth who joins while the question is open votes too, one who reconnects
 * cannot vote again, and after the reveal every screen shows the answer beside the distribution.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = "spring.datasource.url=jdbc:h2:mem:classvote-browser;DB_CLOSE_DELAY=-1")
class ClassVoteBrowserTest extends BrowserSupport {
    // ClassVoteRelayBrowserTest runs the same test with the RabbitMQ relay
    private final MoreBrowsers others = new MoreBrowsers();

    private ChromeDriver newBrowser() throws IOException {
        return others.open();
    }

    @AfterEach
    void stopOthers() throws IOException {
        others.close();
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
        wait.until(d -> driver.findElement(By.id("present-code")).getText().matches("[A-Z2-9]{8}"));
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

        // a follower who joins while the question is open sees it and votes
        ChromeDriver late = newBrowser();
        late.get(join);
        waitOn(late).until(ExpectedConditions.elementToBeClickable(By.cssSelector("#vote-panel [data-choice='reuse']"))).click();
        waitOn(late).until(ExpectedConditions.textToBePresentInElementLocated(By.id("vote-mine"), "Your vote: reuse"));
        wait.until(ExpectedConditions.textToBe(By.id("vote-total"), "4"));
        followers.add(late);

        // a follower who reconnects (the page opened again, its own record of the vote wiped) cannot vote twice
        ChromeDriver again = followers.get(2);
        run(again, "for (const k of Object.keys(localStorage)) if (k.startsWith('cowscope.votes.')) localStorage.removeItem(k)");
        again.get(join);
        waitOn(again).until(ExpectedConditions.elementToBeClickable(By.cssSelector("#vote-panel [data-choice='reuse']"))).click();
        waitOn(again).until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#vote-panel .share-error"), "already voted"));
        assertThat(driver.findElement(By.id("vote-total")).getText()).isEqualTo("4");
        assertThat(driver.findElement(By.cssSelector("#vote-panel .vote-count[data-choice='reuse']")).getText()).isEqualTo("3");
        assertThat(driver.findElement(By.cssSelector("#vote-panel .vote-count[data-choice='copy']")).getText()).isEqualTo("1");

        // the presenter reveals: the engine's answer at 5.7, with the class's distribution beside it
        driver.findElement(By.cssSelector("#teach-panel [data-choice='reuse']")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("teach-reveal")));
        String correct = driver.findElement(By.id("teach-correct")).getText();
        for (ChromeDriver f : followers) {
            waitOn(f).until(ExpectedConditions.textToBePresentInElementLocated(By.id("vote-answer"), correct));
            assertThat(f.findElement(By.cssSelector("#vote-panel .vote-count[data-choice='reuse']")).getText()).isEqualTo("3");
            assertThat(f.findElement(By.cssSelector("#vote-panel .vote-count[data-choice='copy']")).getText()).isEqualTo("1");
        }
        assertThat(followers.get(0).findElement(By.id("vote-verdict")).getText())
                .startsWith(correct.equals("reuse") ? "✓" : "✗");
        assertThat(driver.findElement(By.id("vote-total")).getText()).isEqualTo("4");
    }
}
