package io.cowscope.web.browser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/** Further headless Chromium browsers for a test with several viewers, each with its own profile. */
final class MoreBrowsers implements AutoCloseable {
    private final List<ChromeDriver> drivers = new ArrayList<>();
    private final List<ChromeDriverService> services = new ArrayList<>();
    private final List<Path> profiles = new ArrayList<>();

    ChromeDriver open() throws IOException {
        Path profile = Files.createTempDirectory("cowscope-chromium-v-");
        profiles.add(profile);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BrowserSupport.CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1400,900", "--user-data-dir=" + profile,
                "--force-prefers-reduced-motion");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(BrowserSupport.CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        services.add(service);
        ChromeDriver d = new ChromeDriver(service, options);
        drivers.add(d);
        return d;
    }

    @Override
    public void close() throws IOException {
        for (ChromeDriver d : drivers) {
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
        drivers.clear();
        services.clear();
        profiles.clear();
    }
}
