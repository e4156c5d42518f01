package io.guildnet.ui;

import io.guildnet.it.LibertyServer;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.logging.Level;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Headless Debian Chromium driven by chromedriver (explicit paths: Selenium Manager never
 * downloads anything). Missing binaries fail the test loudly instead of skipping it.
 */
final class Browser implements AutoCloseable {

    static final Path CHROMIUM = Path.of(System.getProperty("ui.chromium", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getProperty("ui.chromedriver", "/usr/bin/chromedriver"));
    static final Path SCREENSHOTS = Path.of("target/screenshots");

    final ChromeDriver driver;
    final LibertyServer server;
    private final Path profile;

    Browser(LibertyServer server) throws Exception {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            throw new IllegalStateException("the web UI tests need Chromium and chromedriver at " + CHROMIUM + " and " + CHROMEDRIVER
                    + ": apt-get install -y chromium chromium-driver (or set -Dui.chromium / -Dui.chromedriver)");
        }
        this.server = server;
        this.profile = Files.createTempDirectory("gn-chrome");
        ChromeOptions o = new ChromeOptions();
        o.setBinary(CHROMIUM.toFile());
        o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--window-size=1400,950",
                "--user-data-dir=" + profile);
        o.setAcceptInsecureCerts(true); // the Host App's self-signed loopback certificate
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        o.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService svc = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        driver = new ChromeDriver(svc, o);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
    }

    void open(String path) {
        driver.get(server.uri(path).toString());
    }

    WebElement await(By by) {
        return await(by, 20);
    }

    WebElement await(By by, int seconds) {
        return new WebDriverWait(driver, Duration.ofSeconds(seconds)).until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    void awaitText(By by, String text, int seconds) {
        new WebDriverWait(driver, Duration.ofSeconds(seconds)).until(ExpectedConditions.textToBePresentInElementLocated(by, text));
    }

    void awaitAttr(By by, String attr, String value, int seconds) {
        new WebDriverWait(driver, Duration.ofSeconds(seconds)).until(ExpectedConditions.attributeToBe(by, attr, value));
    }

    void until(String what, int seconds, Predicate<ChromeDriver> p) {
        new WebDriverWait(driver, Duration.ofSeconds(seconds)).withMessage(what).until(d -> p.test(driver));
    }

    Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /** Types into an input the way a user does (clearing it first). */
    void type(By by, String text) {
        WebElement e = await(by);
        e.clear();
        e.sendKeys(text);
    }

    /** Sets a textarea's value at once (long text such as a kubeconfig) and fires the input event. */
    void paste(By by, String text) {
        WebElement e = await(by);
        js("const e=arguments[0]; e.focus(); e.value=arguments[1]; e.dispatchEvent(new Event('input',{bubbles:true}));", e, text);
    }

    void screenshot(String name) throws Exception {
        Files.createDirectories(SCREENSHOTS);
        File f = driver.getScreenshotAs(OutputType.FILE);
        Files.copy(f.toPath(), SCREENSHOTS.resolve(name + ".png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** Browser console entries at SEVERE (JS errors, console.error, failed requests) not matching {@code expected}. */
    List<String> consoleErrors(String... expected) {
        List<String> out = new ArrayList<>();
        for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
            if (e.getLevel().intValue() < Level.SEVERE.intValue()) continue;
            String m = e.getMessage();
            boolean ok = false;
            for (String x : expected) ok |= m.contains(x);
            if (!ok) out.add(m);
        }
        return out;
    }

    void assertNoConsoleErrors(String... expected) {
        List<String> errs = consoleErrors(expected);
        if (!errs.isEmpty()) throw new AssertionError("browser console errors: " + errs);
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (var s = Files.walk(profile)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (Exception ignored) {
                // temp profile; best effort
            }
        }
    }
}
