package io.cowscope.web.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cowscope.host.Probe;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

/**
 * Compare with this machine (docs/host.md "In the page"), with cowscope.host.enabled on: the picker
 * offers the server's kernel, the second column shows the kernel's observations at each step, and
 * the fields where the model differs are marked. Which step differs is read from what the server
 * sent, never hard-coded. Needs Linux and a probe that builds (skipped elsewhere; CI fails instead).
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "cowscope.host.enabled=true")
class HostCompareBrowserTest extends BrowserSupport {

    private static void assumeProbe() {
        assumeTrue(Probe.unsupportedReason() == null, "the native probe runs only on Linux");
        try {
            Probe.locate();
        } catch (IOException e) {
            if ("true".equals(System.getenv("CI"))) throw new AssertionError(e);
            assumeTrue(false, "the probe cannot be built here: " + e.getMessage());
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void thisMachineIsOfferedAndItsObservationsShowBesideTheModelWithDifferencesMarked() throws IOException {
        assumeProbe();
        // the vmsplice CVE on the 5.7 model: a kernel with the fix (5.8 and later) reads another value at the end
        driver.get(url("?gallery=cve-2020-29374-vmsplice&kernel=5.7&noscan=1"));
        wait.until(ExpectedConditions.attributeToBe(By.id("conn-status"), "data-status", "connected"));
        wait.until(d -> Boolean.TRUE.equals(js("const s = window.cowscope.store.state.session; return !!s && s.kernel === '5.7';")));
        String machine = (String) js("return window.cowscope.store.state.host");
        assertThat(machine).startsWith("Linux " + System.getProperty("os.version"));
        Select picker = new Select(driver.findElement(By.id("compare-picker")));
        WebElement option = driver.findElement(By.cssSelector("#compare-picker option[value='host']"));
        assertThat(option.getText()).isEqualTo("this machine (" + machine + ")");
        picker.selectByValue("host");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("stage-host")));
        wait.until(d -> "done".equals(js("const r = window.cowscope.store.state.hostRun; return r && r.status;")));
        assertThat(driver.findElement(By.id("stage-host-kernel")).getText()).contains("this machine").contains(machine).contains("5.7");

        // the first step (by the server's answer) where the model and the kernel differ
        Map<String, Object> found = (Map<String, Object>) js(
                "const s = window.cowscope.store.state.session, r = window.cowscope.store.state.hostRun.result;"
                        + " for (const h of r.steps) { if (!h.differs || !h.differs.length) continue;"
                        + "   const st = s.statements.find((x) => x.index === h.index);"
                        + "   if (st && st.step > 0) return {step: st.step, differs: h.differs, kernel: h.kernel}; }"
                        + " return null;");
        assertThat(found).as("the server's answer has a step where the model 5.7 and this kernel differ").isNotNull();
        long step = ((Number) found.get("step")).longValue();
        List<String> differs = (List<String>) found.get("differs");
        js("window.cowscope.send({type:'goto', v:1, step: arguments[0]})", step);
        wait.until(d -> Boolean.TRUE.equals(js("return window.cowscope.store.state.session.step === arguments[0]"
                + " && document.querySelectorAll('#stage-host-body .differs:not(.differs-mark)').length > 0", step)));

        // every field the kernel observed is shown once; exactly the differing ones are marked, with the model's value
        int shown = driver.findElements(By.cssSelector("#stage-host-body td[data-field]:not([data-missing]), #stage-host-body .host-facts li")).size();
        Map<String, Object> kernel = (Map<String, Object>) found.get("kernel");
        assertThat(shown).isEqualTo(kernel.size());
        List<WebElement> marked = driver.findElements(By.cssSelector("#stage-host-body .differs:not(.differs-mark)"));
        assertThat(marked).hasSize(differs.size());
        for (WebElement m : marked) assertThat(m.getAttribute("title")).startsWith("model 5.7: ");
        String list = driver.findElement(By.cssSelector("#stage-host-body .host-diff-list")).getText();
        for (String d : differs.subList(0, Math.min(differs.size(), 12))) assertThat(list).contains(d + ": model ");
        assertThat(driver.findElement(By.id("stage-host-body")).getText()).contains("unobservable: refcount");
        // a differing page is marked on the model's stage too, as in compare
        boolean pageDiffers = Boolean.TRUE.equals(js("const s = window.cowscope.store.state.session;"
                + " return arguments[0].some((k) => { const m = /^(\\S+)\\.(\\S+)\\[(\\d+)\\] /.exec(k); if (!m) return false;"
                + "   const p = s.snapshot.processes.find((x) => x.name === m[1]); const v = p && p.vmas.find((x) => x.var === m[2]);"
                + "   return !!v && v.ptes.some((x) => x.index === Number(m[3])); });", differs));
        if (pageDiffers) assertThat(driver.findElements(By.cssSelector("#stage .differs"))).isNotEmpty();
        screenshot("host-compare-cve-5.7.png");

        // back to a model kernel: the column goes
        picker.selectByValue("6.18");
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("stage-host")));
    }
}
