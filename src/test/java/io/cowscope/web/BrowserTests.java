package io.cowscope.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.cowscope.engine.EngineInfo;
import io.cowscope.system.AppVersion;
import io.cowscope.web.browser.BrowserSupport;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

/**
 * The page in a real browser: Debian's headless Chromium, driven by Selenium through Debian's
 * ChromeDriver (the set-up, shared with the explorer's tests, is {@link BrowserSupport}: both paths
 * are given explicitly, so Selenium Manager never looks for or downloads a browser; without them
 * the test is skipped with a message, except under CI=true or -Dcowscope.browser.required=true,
 * where it fails). Paths can be changed with -Dcowscope.chromium=… and -Dcowscope.chromedriver=….
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class BrowserTests extends BrowserSupport {

    @Test
    void thePageShowsTheVersionsFromTheHello() throws IOException {
        driver.get(url(""));
        assertThat(driver.getTitle()).isEqualTo("cowscope");
        assertThat(driver.findElement(By.cssSelector("h1.app-name")).getText()).isEqualTo("cowscope");

        WebElement status = driver.findElement(By.id("conn-status"));
        wait.until(ExpectedConditions.attributeToBe(status, "data-status", "connected"));
        screenshot("page-connected.png");

        assertThat(status.getText()).endsWith("Connected");
        assertThat(driver.findElement(By.id("server-version")).getDomProperty("textContent")).isEqualTo(AppVersion.serverName());
        assertThat(driver.findElement(By.id("engine-version")).getDomProperty("textContent")).isEqualTo("engine " + EngineInfo.VERSION);
        assertThat(driver.findElement(By.id("conn-error")).isDisplayed()).isFalse();
    }

    @Test
    void theReconnectActionConnectsAgain() {
        driver.get(url(""));
        WebElement status = driver.findElement(By.id("conn-status"));
        wait.until(ExpectedConditions.attributeToBe(status, "data-status", "connected"));

        driver.findElement(By.cssSelector("button[data-action='reconnect']")).click();
        wait.until(ExpectedConditions.attributeToBe(status, "data-status", "connected"));
        assertThat(driver.findElement(By.id("server-version")).getDomProperty("textContent")).isEqualTo(AppVersion.serverName());
    }
}
