package io.chasm.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.chasm.wire.proto.stats.MirrorSnapshot;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Drives the website of a collector running in its own process, over real loopback HTTP, in real
 * headless Chromium (Debian's chromium + chromium-driver): home → project → artifact, the chart
 * is drawn, the search filters the table, a type view, a mirror, the freshness board, and the
 * project at a phone's width. Screenshots go to {@code target/screenshots/}; with
 * {@code -Dchasm.screenshots.update=true} also to {@code docs/screenshots/} (committed, for the docs:
 * not on every run, since the pages' timestamps would leave a verify's checkout modified).
 */
class WebsiteBrowserTest {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  static final Path SHOTS = Path.of("target", "screenshots");
  static final Path DOC_SHOTS = Path.of("..", "docs", "screenshots");
  static final boolean UPDATE_DOC_SHOTS = Boolean.getBoolean("chasm.screenshots.update");

  @TempDir static Path dir;
  static Process collector;
  static URI site;
  static ChromeDriver driver;

  @BeforeAll
  static void start() throws Exception {
    // In CI the browser is installed by .ci/run, so its absence must fail there, not skip.
    Assumptions.assumeTrue(Files.isExecutable(CHROMEDRIVER) || System.getenv("CI") != null,
        "chromium-driver not installed (apt-get install chromium chromium-driver)");
    Path data = dir.resolve("data");
    seed(CollectorConfig.defaults(data));
    collector = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), CollectorProcessMain.class.getName(), data.toString())
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(collector.getInputStream(), StandardCharsets.UTF_8));
    for (String line; site == null && (line = out.readLine()) != null; ) {
      if (line.startsWith("listening ")) {
        site = URI.create(line.substring("listening ".length()).strip());
      }
    }
    assertThat(site).as("the collector process prints where it listens").isNotNull();
    ChromeOptions o = new ChromeOptions();
    o.setBinary(CHROMIUM.toFile());
    o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-dev-shm-usage",
        "--user-data-dir=" + dir.resolve("chrome-profile"));
    ChromeDriverService svc = new ChromeDriverService.Builder()
        .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
    driver = new ChromeDriver(svc, o);
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    driver.manage().window().setSize(new Dimension(1200, 1000));
    Files.createDirectories(SHOTS);
  }

  /**
   * The sample log as mirror-a's batches, reporting debian snapshot 42; mirror-b one day behind
   * (40), mirror-c serving an ubuntu snapshot three days old: one fresh row, two stale.
   */
  static void seed(CollectorConfig config) throws Exception {
    Files.createDirectories(config.dataDir());
    long now = Instant.now().getEpochSecond();
    try (CollectorStore store = CollectorStore.open(config.effectiveJdbcUrl())) {
      TestMirror a = new TestMirror("mirror-a");
      store.enrol(a.name(), a.publicKey(), Optional.empty());
      for (var b : AgentBatches.scan(a.name(), dir).batches) {
        store.ingest(a.signed(b.toBuilder().setMirrorSnapshot(snapshot("debian", 42, now - 1800)).build()));
      }
      for (Object[] m : new Object[][] {{"mirror-b", "debian", 40L, now - 90_000}, {"mirror-c", "ubuntu", 7L, now - 3 * 86400}}) {
        TestMirror t = new TestMirror((String) m[0]);
        store.enrol(t.name(), t.publicKey(), Optional.empty());
        store.ingest(t.signed(t.batch("1").setMirrorSnapshot(snapshot((String) m[1], (Long) m[2], (Long) m[3])).build()));
      }
    }
  }

  static MirrorSnapshot snapshot(String repository, long seq, long created) {
    return MirrorSnapshot.newBuilder().setRepository(repository).setSequence(seq).setCreatedUnix(created).build();
  }

  @AfterAll
  static void stop() {
    if (driver != null) {
      driver.quit();
    }
    if (collector != null) {
      collector.destroy();
    }
  }

  static void shot(String name) throws Exception {
    Path png = driver.getScreenshotAs(OutputType.FILE).toPath();
    if (UPDATE_DOC_SHOTS) {
      Files.createDirectories(DOC_SHOTS);
      Files.copy(png, DOC_SHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }
    Files.move(png, SHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
  }

  static List<WebElement> bars() {
    return driver.findElements(By.cssSelector("svg#downloads-chart rect.bar"));
  }

  @Test
  void homeToProjectToArtifact_withChartAndSearch() throws Exception {
    driver.get(site.toString());
    assertThat(driver.getTitle()).contains("CHASM downloads");
    List<WebElement> projects = driver.findElements(By.cssSelector("#projects tbody a"));
    assertThat(projects).extracting(WebElement::getText).contains("presentations", "blog", "images");
    assertThat(driver.findElements(By.cssSelector("#top-week tbody tr"))).isNotEmpty();
    shot("1-home");

    driver.findElement(By.linkText("presentations")).click();
    String project = driver.findElement(By.tagName("h1")).getText();
    assertThat(project).isEqualTo("presentations");
    assertThat(driver.getCurrentUrl()).contains("/projects/" + project);
    assertThat(bars()).hasSizeGreaterThan(1);
    assertThat(bars().get(0).getAttribute("height")).isNotNull();
    List<WebElement> rowsBefore = driver.findElements(By.cssSelector("#artifacts tbody tr"));
    assertThat(rowsBefore).hasSizeGreaterThan(5);
    assertThat(driver.findElements(By.cssSelector("#by-type tbody tr"))).isNotEmpty();
    assertThat(driver.findElements(By.cssSelector("#by-mirror tbody a"))).extracting(WebElement::getText).contains("mirror-a");
    shot("2-project");

    String term = "kibana";
    WebElement search = driver.findElement(By.id("search"));
    search.sendKeys(term);
    search.submit();
    List<WebElement> rowsAfter = driver.findElements(By.cssSelector("#artifacts tbody td.path a"));
    assertThat(rowsAfter).isNotEmpty();
    assertThat(rowsAfter).allSatisfy(a -> assertThat(a.getText().toLowerCase()).contains(term));
    assertThat(driver.findElement(By.cssSelector(".pager .muted")).getText()).doesNotEndWith(" of " + rowsBefore.size());
    shot("3-search");

    String artifact = rowsAfter.get(0).getText();
    rowsAfter.get(0).click();
    assertThat(driver.findElement(By.tagName("h1")).getText()).isEqualTo(artifact);
    assertThat(driver.findElements(By.cssSelector("svg#downloads-chart rect"))).isNotEmpty();
    shot("4-artifact");

    driver.findElement(By.cssSelector("#by-mirror tbody a")).click();
    assertThat(driver.findElement(By.tagName("h1")).getText()).isEqualTo("Mirror mirror-a");
    assertThat(driver.findElement(By.id("last-submission")).getText()).isNotEqualTo("never");
    assertThat(driver.findElement(By.cssSelector("#mirror-snapshots tbody tr")).getText()).contains("debian", "42", "fresh");
    shot("5-mirror");

    driver.findElement(By.linkText("Freshness")).click();
    List<WebElement> board = driver.findElements(By.cssSelector("#freshness tbody tr"));
    assertThat(board).extracting(WebElement::getText).hasSize(3)
        .anySatisfy(t -> assertThat(t).startsWith("mirror-a debian 42").endsWith("fresh"))
        .anySatisfy(t -> assertThat(t).startsWith("mirror-b debian 40").contains("stale: behind by 2"))
        .anySatisfy(t -> assertThat(t).startsWith("mirror-c ubuntu 7").contains("stale: snapshot older than 24 h"));
    assertThat(driver.findElement(By.id("stale-count")).getText()).isEqualTo("2");
    shot("6-freshness");

    driver.get(site.resolve("projects/" + project).toString());
    driver.findElement(By.cssSelector("#by-type tbody a")).click();
    assertThat(driver.findElement(By.tagName("h1")).getText()).startsWith(project + ": type ");
    assertThat(bars()).isNotEmpty();
    assertThat(bars().get(0).findElement(By.tagName("title")).getAttribute("textContent")).contains("downloads", "unique downloaders");
    shot("7-type");

    driver.manage().window().setSize(new Dimension(390, 844));
    driver.get(site.resolve("projects/" + project).toString());
    assertThat(bars()).isNotEmpty();
    // Nothing wider than the phone's screen: the page scrolls down, never sideways.
    Object overflow = driver.executeScript("return document.documentElement.scrollWidth - window.innerWidth;");
    assertThat(((Number) overflow).intValue()).isLessThanOrEqualTo(0);
    shot("8-project-phone");
  }
}
