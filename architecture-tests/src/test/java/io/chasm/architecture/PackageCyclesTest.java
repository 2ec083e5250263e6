package io.chasm.architecture;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/** No package cycles in any module: each package is a slice, one module's classes at a time. */
class PackageCyclesTest {

  static void assertNoCycles(ChasmModule m) {
    slices().matching("io.chasm.(**)").should().beFreeOfCycles().check(m.classes());
  }

  @Test
  void c_chasmApi_noPackageCycles() {
    assertNoCycles(ChasmModule.API);
  }

  @Test
  void c_chasmHashTree_noPackageCycles() {
    assertNoCycles(ChasmModule.HASH_TREE);
  }

  @Test
  void c_chasmStatsModel_noPackageCycles() {
    assertNoCycles(ChasmModule.STATS_MODEL);
  }

  @Test
  void c_chasmWire_noPackageCycles() {
    assertNoCycles(ChasmModule.WIRE);
  }

  @Test
  void c_chasmTestkit_noPackageCycles() {
    assertNoCycles(ChasmModule.TESTKIT);
  }

  @Test
  void c_chasmCollector_noPackageCycles() {
    assertNoCycles(ChasmModule.COLLECTOR);
  }

  @Test
  void c_tck_noPackageCycles() {
    assertNoCycles(ChasmModule.TCK);
  }

  @Test
  void c_examples_noPackageCycles() {
    assertNoCycles(ChasmModule.EXAMPLES);
  }
}
