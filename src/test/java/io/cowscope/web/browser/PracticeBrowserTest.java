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
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

/**
 * Practice on the page (issue 13, ?practice=SEED): two browsers opening the same link get the same
 * problems; the question before the last step is answered by the engine, which marks a wrong answer
 * wrong and the engine's own answer right.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class PracticeBrowserTest extends BrowserSupport {
    private final MoreBrowsers others = new MoreBrowsers();

    @AfterEach
    void stopOthers() throws IOException {
        others.close();
    }

    private static Object run(WebDriver d, String script) {
        return ((JavascriptExecutor) d).executeScript(script);
    }

    private static long stepOf(WebDriver d) {
        return ((Number) run(d, "const s = window.cowscope && window.cowscope.store.state.session; return s ? s.step : -1")).longValue();
    }

    private static String textOf(WebDriver d) {
        return (String) run(d, "const s = window.cowscope.store.state.session; return s ? s.text : null");
    }

    private static boolean asking(WebDriver d) {
        return Boolean.TRUE.equals(run(d, "const p = document.getElementById('teach-panel'); return !!p && !p.hidden && !!document.getElementById('teach-prompt') && !document.getElementById('teach-reveal');"));
    }

    /** steps forward until the page stops at the problem's question */
    private static void stepToTheQuestion(WebDriver d) {
        WebDriverWait w = new WebDriverWait(d, WAIT);
        int guard = 0;
        while (!asking(d)) {
            long before = stepOf(d);
            assertThat(before).as("a question before the last step").isLessThan(((Number) run(d, "return window.cowscope.store.state.session.steps")).longValue());
            run(d, "window.cowscope.send({type: 'step', v: 1, dir: 'forward'})");
            w.until(x -> stepOf(x) == before + 1 || asking(x));
            assertThat(++guard).isLessThan(60);
        }
    }

    /** answers the open question with given (a choice button, else typed) and returns the verdict element */
    private static WebElement answer(WebDriver d, String given) {
        List<WebElement> buttons = d.findElements(By.cssSelector("#teach-panel button.teach-choice[data-choice]"));
        if (!buttons.isEmpty()) {
            buttons.stream().filter(b -> given.equals(b.getAttribute("data-choice"))).findFirst()
                    .orElseThrow(() -> new AssertionError("no choice " + given)).click();
        } else {
            d.findElement(By.id("teach-input")).sendKeys(given);
            d.findElement(By.cssSelector("#teach-panel form button.teach-choice")).click();
        }
        new WebDriverWait(d, WAIT).until(ExpectedConditions.visibilityOfElementLocated(By.id("teach-reveal")));
        return d.findElement(By.cssSelector("#teach-reveal .teach-verdict"));
    }

    @Test
    void theSameSeedGivesTheSameProblemsAndTheEngineChecksAnswers() throws IOException {
        String link = url("?practice=4242&count=3&kernel=6.18");
        ChromeDriver second = others.open();
        List<String> first = new ArrayList<>();
        List<String> again = new ArrayList<>();
        for (WebDriver d : List.of(driver, second)) {
            List<String> texts = d == driver ? first : again;
            // the scenario texts seen so far in this browser (the entries of texts also carry the intro)
            List<String> scenarios = new ArrayList<>();
            d.get(link);
            for (int i = 1; i <= 3; i++) {
                final int n = i;
                WebDriverWait w = new WebDriverWait(d, WAIT);
                w.until(ExpectedConditions.textToBePresentInElementLocated(By.id("teach-part"), "Problem " + n + " of 3"));
                w.until(x -> stepOf(x) == 0 && Boolean.TRUE.equals(run(x, "return window.location.search.includes('problem=" + n + "')")));
                w.until(x -> textOf(x) != null && !scenarios.contains(textOf(x)));
                scenarios.add(textOf(d));
                texts.add(textOf(d) + "\n--\n" + d.findElement(By.cssSelector("#teach-lesson .teach-intro")).getText());
                if (i < 3) d.findElement(By.id("teach-next")).click();
            }
        }
        assertThat(first).hasSize(3).doesNotHaveDuplicates();
        assertThat(again).as("the same seed in another browser").isEqualTo(first);

        // problem 1 in the first browser: the engine's answer (shown without a guess)
        driver.get(link);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("teach-part"), "Problem 1 of 3"));
        wait.until(d -> stepOf(d) == 0);
        stepToTheQuestion(driver);
        List<String> options = driver.findElements(By.cssSelector("#teach-panel button.teach-choice[data-choice]")).stream()
                .map(b -> b.getAttribute("data-choice")).toList();
        driver.findElement(By.id("teach-skip")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("teach-reveal")));
        List<String> correct = List.of(driver.findElement(By.id("teach-correct")).getText().split(" or "));
        assertThat(driver.findElement(By.id("teach-answer")).getText()).startsWith("The engine at 6.18");

        // the second browser answers wrong: marked wrong, the engine's answer beside it
        second.get(link);
        new WebDriverWait(second, WAIT).until(ExpectedConditions.textToBePresentInElementLocated(By.id("teach-part"), "Problem 1 of 3"));
        new WebDriverWait(second, WAIT).until(d -> stepOf(d) == 0);
        stepToTheQuestion(second);
        String wrong = options.isEmpty() ? "wrong-" + correct.get(0) : options.stream().filter(o -> !correct.contains(o)).findFirst().orElseThrow();
        if (options.isEmpty() && second.findElement(By.id("teach-input")).getAttribute("type").equals("number")) {
            wrong = String.valueOf(Long.parseLong(correct.get(0)) + 7);
        }
        WebElement verdict = answer(second, wrong);
        assertThat(verdict.getAttribute("data-right")).isEqualTo("false");
        assertThat(verdict.getText()).startsWith("✗");
        assertThat(second.findElement(By.id("teach-correct")).getText()).isEqualTo(String.join(" or ", correct));
        assertThat(second.findElement(By.id("teach-score-after")).getText()).isEqualTo("Score 0 / 1");

        // and the engine's answer, given, is marked right
        driver.get(link);
        wait.until(d -> stepOf(d) == 0 && d.findElements(By.id("teach-reveal")).isEmpty());
        stepToTheQuestion(driver);
        WebElement right = answer(driver, correct.get(0));
        assertThat(right.getAttribute("data-right")).isEqualTo("true");
        assertThat(driver.findElement(By.id("teach-score-after")).getText()).isEqualTo("Score 1 / 1");
        screenshot("practice-right.png");
    }
}
