package io.cowscope.web.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

/**
 * Predict-then-reveal and lessons on the page (issue 13), against the real server: the page stops
 * before the step, the viewer answers, the reveal is the engine's answer at the chosen kernel.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class TeachBrowserTest extends BrowserSupport {

    private long step() {
        return number("const s = window.cowscope.store.state.session; return s ? s.step : -1");
    }

    private long steps() {
        return number("return window.cowscope.store.state.session.steps");
    }

    private boolean panelShown() {
        return Boolean.TRUE.equals(js("const p = document.getElementById('teach-panel'); return !!p && !p.hidden && !!document.getElementById('teach-prompt');"));
    }

    /** One step forward as the keyboard would (through the page's send); returns true when a question stopped it. */
    private boolean stepForward() {
        long before = step();
        js("window.cowscope.send({type: 'step', v: 1, dir: 'forward'})");
        wait.until(d -> step() == before + 1 || panelShown());
        return panelShown() && step() == before;
    }

    private String answerWith(String choice) {
        WebElement button = choice == null ? driver.findElement(By.cssSelector("#teach-panel .teach-choice"))
                : driver.findElement(By.cssSelector("#teach-panel [data-choice='" + choice + "']"));
        if (button.getTagName().equals("button") && button.getAttribute("data-choice") == null) {
            driver.findElement(By.id("teach-input")).sendKeys("1");
        }
        button.click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("teach-reveal")));
        return driver.findElement(By.id("teach-correct")).getText();
    }

    private void continueAfterReveal() {
        long before = step();
        driver.findElement(By.id("teach-continue")).click();
        wait.until(d -> step() == before + 1 || (panelShown() && driver.findElements(By.id("teach-reveal")).isEmpty()));
    }

    private String predictCveAt(String kernel, String guess) throws IOException {
        driver.get(url("?gallery=cve-2020-29374-vmsplice&kernel=" + kernel + "&predict=1"));
        wait.until(d -> step() == 0);
        int guard = 0;
        while (!stepForward()) {
            assertThat(step()).as("a question before the end").isLessThan(steps());
            assertThat(++guard).isLessThan(50);
        }
        long stoppedAt = step();
        assertThat(driver.findElement(By.id("teach-prompt")).getText()).containsIgnoringCase("copy or reuse");
        String correct = answerWith(guess);
        screenshot("teach-predict-" + kernel + ".png");
        assertThat(step()).as("the page waits before the step until the reveal is dismissed").isEqualTo(stoppedAt);
        String why = driver.findElement(By.id("teach-why")).getText();
        assertThat(why).contains("commit");
        continueAfterReveal();
        assertThat(step()).isEqualTo(stoppedAt + 1);
        // the running score counts the guess (right at one kernel, wrong at the other)
        assertThat((String) js("return document.getElementById('teach-score-after').textContent")).matches("Score [01] / 1");
        return correct + "|" + why;
    }

    @Test
    void predictThenRevealGivesDifferentCorrectAnswersOn57And618() throws IOException {
        String old = predictCveAt("5.7", "copy");
        String now = predictCveAt("6.18", "copy");
        assertThat(old).startsWith("reuse|").contains("MAPCOUNT_REUSE");
        assertThat(now).startsWith("copy|").doesNotContain("MAPCOUNT_REUSE");
    }

    @Test
    void aLessonWalkedEndToEnd() throws IOException {
        driver.get(url("?lesson=cow-history&part=1"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("teach-part"), "Part 1 of"));
        long parts = number("return document.querySelector('#teach-lesson progress').max");
        assertThat(parts).isGreaterThanOrEqualTo(5);
        int asked = 0;
        for (int p = 1; p <= parts; p++) {
            final int part = p;
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("teach-part"), "Part " + part + " of " + parts));
            wait.until(d -> step() == 0 && Boolean.TRUE.equals(js("return window.location.search.includes('part=" + part + "')")));
            int guard = 0;
            while (step() < steps()) {
                if (stepForward()) {
                    while (panelShown() && driver.findElements(By.id("teach-reveal")).isEmpty()) {
                        assertThat(answerWith(null)).isNotBlank();
                        asked++;
                        continueAfterReveal();
                    }
                }
                assertThat(++guard).isLessThan(80);
            }
            if (p == 2) screenshot("teach-lesson-part2.png");
            if (p < parts) driver.findElement(By.id("teach-next")).click();
        }
        assertThat(asked).as("every ask of every part was asked").isEqualTo(askCount());
        assertThat(driver.findElement(By.id("teach-next")).getAttribute("disabled")).isNotNull();
        // a link to a position in the lesson opens that part at that kernel
        driver.get(url("?lesson=cow-history&part=2&kernel=5.9"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("teach-part"), "Part 2 of"));
        wait.until(d -> Boolean.TRUE.equals(js("const s = window.cowscope.store.state.session; return !!s && s.kernel === '5.9';")));
    }

    /** the step the open question stops before ("Predict · before step K · kernel V") */
    private long questionStep() {
        String title = driver.findElement(By.cssSelector("#teach-panel h2")).getText();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("before step (\\d+)").matcher(title);
        assertThat(m.find()).as(title).isTrue();
        return Long.parseLong(m.group(1));
    }

    /** Answers every question a jump stops at ("Show the answer", Continue) until the page is at target; returns how many. */
    private int answerAlong(long target) {
        int asked = 0;
        while (step() != target) {
            wait.until(d -> step() == target || panelShown());
            if (step() == target && !panelShown()) break;
            long before = questionStep();
            wait.until(d -> step() == before - 1);
            assertThat(step()).as("stopped before the question's step, not after it").isEqualTo(before - 1);
            driver.findElement(By.id("teach-skip")).click();
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("teach-reveal")));
            driver.findElement(By.id("teach-continue")).click();
            wait.until(d -> step() >= before || (panelShown() && d.findElements(By.id("teach-reveal")).isEmpty()));
            asked++;
            assertThat(asked).isLessThan(50);
        }
        return asked;
    }

    @Test
    void predictStopsAJumpBeforeAnUnpredictedDecision() throws IOException {
        // stepping one by one: where the questions are
        driver.get(url("?gallery=cve-2020-29374-vmsplice&kernel=5.7&predict=1"));
        wait.until(d -> step() == 0);
        long end = steps();
        java.util.List<Long> byStep = new java.util.ArrayList<>();
        while (step() < end) {
            if (stepForward()) {
                byStep.add(step() + 1);
                answerWith(null);
                continueAfterReveal();
            }
        }
        assertThat(byStep).as("the scenario has a copy-or-reuse decision").isNotEmpty();

        // a jump to the end (the scrubber, End, a link's step) stops before each of them in turn
        driver.get(url("?gallery=cve-2020-29374-vmsplice&kernel=5.7&predict=1"));
        wait.until(d -> step() == 0);
        js("window.cowscope.send({type: 'goto', v: 1, step: arguments[0]})", end);
        wait.until(d -> panelShown());
        assertThat(questionStep()).isEqualTo(byStep.get(0));
        wait.until(d -> step() == byStep.get(0) - 1);
        screenshot("teach-predict-jump.png");
        assertThat(answerAlong(end)).as("a stop before every question").isEqualTo(byStep.size());
        assertThat(step()).isEqualTo(end);

        // a run until the reuse event stops there; the page goes back to before the decision and asks
        driver.get(url("?gallery=cve-2020-29374-vmsplice&kernel=5.7&predict=1"));
        wait.until(d -> step() == 0);
        js("window.cowscope.send({type: 'run', v: 1, dir: 'forward', until: {event: 'reuse'}})");
        wait.until(d -> panelShown());
        long asked = questionStep();
        assertThat(byStep).contains(asked);
        wait.until(d -> step() == asked - 1);
        // once answered, the page goes on to where the run stopped
        driver.findElement(By.id("teach-skip")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("teach-reveal")));
        driver.findElement(By.id("teach-continue")).click();
        wait.until(d -> step() >= asked && !panelShown());
    }

    private static long askCount() {
        return io.cowscope.scenario.Lessons.load(io.cowscope.scenario.Gallery.load()).find("cow-history").orElseThrow()
                .parts().stream().mapToInt(io.cowscope.scenario.Lesson.Part::asks).sum();
    }
}
