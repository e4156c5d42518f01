package io.guildnet.bench;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web UI in headless Chromium against a running Host App (scripts/bench/ui.sh starts one):
 * first load of {@code /} with an empty cache (bytes transferred from Resource Timing, time to
 * the shell's first interactive paint from the {@code gn-ready} performance mark), the same load
 * with a warm cache, and the rows grid rendering 1,000 rows.
 * Usage: UiBench --base https://127.0.0.1:PORT --cluster CID --db DB --table T [--runs 5]
 */
public final class UiBench {

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new java.util.HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        String base = a.get("base");
        int runs = Integer.parseInt(a.getOrDefault("runs", "5"));
        List<double[]> cold = new ArrayList<>();
        List<double[]> warm = new ArrayList<>();
        for (int r = 0; r < runs; r++) {
            ChromeDriver d = driver();
            try {
                d.get(base + "/");
                cold.add(measureLoad(d));
                d.navigate().refresh();
                warm.add(measureLoad(d));
            } finally {
                d.quit();
            }
        }
        report("first load of / (empty cache)", cold);
        report("reload of / (warm cache)", warm);

        ChromeDriver d = driver();
        try {
            String url = base + "/c/" + a.get("cluster") + "/databases/" + a.get("db") + "/tables/" + a.get("table");
            d.get(url);
            new WebDriverWait(d, Duration.ofSeconds(30)).until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#rows-grid tr[data-row]")));
            List<double[]> grid = new ArrayList<>();
            for (int r = 0; r < runs + 1; r++) {
                js(d, "window.__gnGrid = null;");
                if (r == 0) new Select(d.findElement(By.xpath("//label[contains(.,'Page size')]/select"))).selectByVisibleText("1000");
                else d.findElement(By.xpath("//button[normalize-space()='Refresh']")).click();
                new WebDriverWait(d, Duration.ofSeconds(60)).until(x -> js(d, "return window.__gnGrid && window.__gnGrid.rows") != null);
                @SuppressWarnings("unchecked")
                Map<String, Object> g = (Map<String, Object>) js(d, "return window.__gnGrid;");
                long rows = ((Number) g.get("rows")).longValue();
                long dom = ((Number) js(d, "return document.querySelectorAll('#rows-grid tbody tr').length;")).longValue();
                if (rows != dom) throw new IllegalStateException("grid shows " + dom + " rows, fetched " + rows);
                if (r > 0) grid.add(new double[]{((Number) g.get("fetchMs")).doubleValue(), ((Number) g.get("renderMs")).doubleValue(), rows});
            }
            System.out.printf("rows grid, %d rows x %d runs: fetch (GET rows?limit=1000) median %.1f ms; render (state set -> after commit and paint) median %.1f ms, max %.1f ms%n",
                    (long) grid.get(0)[2], grid.size(), median(grid, 0), median(grid, 1), grid.stream().mapToDouble(x -> x[1]).max().orElse(0));
        } finally {
            d.quit();
        }
    }

    static double[] measureLoad(ChromeDriver d) {
        new WebDriverWait(d, Duration.ofSeconds(60)).until(x -> js(d, "return performance.getEntriesByName('gn-ready').length") instanceof Number n && n.longValue() > 0);
        // let late resources finish so Resource Timing is complete
        new WebDriverWait(d, Duration.ofSeconds(10)).until(x -> "complete".equals(js(d, "return document.readyState")));
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) js(d, """
                const nav = performance.getEntriesByType('navigation')[0];
                const res = performance.getEntriesByType('resource');
                let bytes = nav.transferSize, body = nav.decodedBodySize, n = 1;
                for (const r of res) { bytes += r.transferSize; body += r.decodedBodySize; n++; }
                return { bytes, body, n, ready: performance.getEntriesByName('gn-ready')[0].startTime,
                         dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd };
                """);
        return new double[]{num(m, "bytes"), num(m, "body"), num(m, "n"), num(m, "ready"), num(m, "dcl"), num(m, "load")};
    }

    static void report(String what, List<double[]> xs) {
        System.out.printf("%s, %d runs: %.0f requests, %.1f KB transferred (%.1f KB decoded); DOMContentLoaded median %.0f ms; "
                        + "interactive (shell rendered with the cluster list) median %.0f ms, max %.0f ms%n",
                what, xs.size(), median(xs, 2), median(xs, 0) / 1024, median(xs, 1) / 1024, median(xs, 4), median(xs, 3),
                xs.stream().mapToDouble(x -> x[3]).max().orElse(0));
    }

    static double median(List<double[]> xs, int i) {
        double[] v = xs.stream().mapToDouble(x -> x[i]).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    static double num(Map<String, Object> m, String k) {
        return ((Number) m.get(k)).doubleValue();
    }

    static Object js(ChromeDriver d, String s) {
        return ((JavascriptExecutor) d).executeScript(s);
    }

    static ChromeDriver driver() throws Exception {
        Path profile = Files.createTempDirectory("gn-bench-chrome");
        ChromeOptions o = new ChromeOptions();
        o.setBinary(new File(System.getProperty("ui.chromium", "/usr/bin/chromium")));
        o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--window-size=1400,950",
                "--user-data-dir=" + profile);
        o.setAcceptInsecureCerts(true);
        return new ChromeDriver(new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(System.getProperty("ui.chromedriver", "/usr/bin/chromedriver"))).usingAnyFreePort().build(), o);
    }
}
