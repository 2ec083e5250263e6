package io.chasm.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.chasm.collector.server.CollectorServer;
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
 * Drives the website in real headless Chromium (Debian's chromium + chromium-driver): home →
 * project → artifact, the chart is drawn, the search filters the table. Screenshots go to
 * {@code target/screenshots/}.
 */
class WebsiteBrowserTest {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  static final Path SHOTS = Path.of("target", "screenshots");

  @TempDir static Path dir;
  static CollectorServer server;
  static ChromeDriver driver;

  @BeforeAll
  static void start() throws Exception {
    // In CI the browser is installed by .ci/run, so its absence must fail there, not skip.
    Assumptions.assumeTrue(Files.isExecutable(CHROMEDRIVER) || System.getenv("CI") != null,
        "chromium-driver not installed (apt-get install chromium chromium-driver)");
    server = CollectorServer.start(CollectorConfig.defaults(dir.resolve("data")).withListen("127.0.0.1", 0));
    TestMirror m = new TestMirror("mirror-a");
    server.store().enrol(m.name(), m.publicKey(), Optional.empty());
    for (var b : AgentBatches.scan(m.name(), dir).batches) {
      server.store().ingest(m.signed(b));
    }
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

  @AfterAll
  static void stop() {
    if (driver != null) {
      driver.quit();
    }
    if (server != null) {
      server.close();
    }
  }

  static void shot(String name) throws Exception {
    Path png = driver.getScreenshotAs(OutputType.FILE).toPath();
    Files.move(png, SHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
  }

  static List<WebElement> bars() {
    return driver.findElements(By.cssSelector("svg#downloads-chart rect.bar"));
  }

  @Test
  void homeToProjectToArtifact_withChartAndSearch() throws Exception {
    driver.get(server.uri().toString());
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
    shot("5-mirror");

    driver.manage().window().setSize(new Dimension(390, 844));
    driver.get(server.uri().resolve("projects/" + project).toString());
    assertThat(bars()).isNotEmpty();
    shot("6-project-phone");
  }
}
