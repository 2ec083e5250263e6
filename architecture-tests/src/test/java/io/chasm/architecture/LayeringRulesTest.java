package io.chasm.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.CompositeArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/**
 * Which module may use what (issue 12, "Rules in CI"). Each rule looks at the main classes of one
 * module, identified by the class-path entry they were imported from.
 */
class LayeringRulesTest {

  /** The module a class comes from, the JDK and third-party libraries being none. */
  static DescribedPredicate<JavaClass> in(ChasmModule m) {
    return DescribedPredicate.describe("are in " + m.dir, c -> ChasmModule.of(c).orElse(null) == m);
  }

  static boolean isInternal(JavaClass c) {
    String pkg = c.getBaseComponentType().getPackageName();
    return pkg.endsWith(".internal") || pkg.contains(".internal.");
  }

  static boolean inPackage(JavaClass c, String... prefixes) {
    String pkg = c.getBaseComponentType().getPackageName();
    for (String p : prefixes) {
      if (pkg.equals(p) || pkg.startsWith(p + ".")) {
        return true;
      }
    }
    return false;
  }

  /** A dependency on an internal package of a module other than the class's own. */
  static ArchCondition<JavaClass> notUseInternalsOfOtherModules() {
    return new ArchCondition<>("not use an internal package of another module") {
      @Override
      public void check(JavaClass c, ConditionEvents events) {
        Optional<ChasmModule> own = ChasmModule.of(c);
        for (Dependency d : c.getDirectDependenciesFromSelf()) {
          JavaClass target = d.getTargetClass().getBaseComponentType();
          Optional<ChasmModule> theirs = ChasmModule.of(target);
          if (isInternal(target) && theirs.isPresent() && !theirs.equals(own)) {
            events.add(SimpleConditionEvent.violated(d, theirs.get().dir + " internal: " + d.getDescription()));
          }
        }
      }
    };
  }

  @Test
  void a_chasmApi_dependsOnTheJdkOnly() {
    classes().should().onlyDependOnClassesThat().resideInAnyPackage("java..", "io.chasm.api..")
        .check(ChasmModule.API.classes());
  }

  @Test
  void b_chasmHashTree_knowsNoSockets() {
    DescribedPredicate<JavaClass> network = DescribedPredicate.describe(
        "are networking or protobuf types (java.net, javax.net, jdk.net, *Socket* in java.nio.channels, protobuf)",
        c -> inPackage(c, "java.net", "javax.net", "jdk.net", "com.google.protobuf")
            || inPackage(c, "java.nio.channels") && c.getBaseComponentType().getSimpleName().contains("Socket"));
    noClasses().should().dependOnClassesThat(network).check(ChasmModule.HASH_TREE.classes());
  }

  @Test
  void d_noModule_usesAnotherModulesInternalPackage() {
    classes().should(notUseInternalsOfOtherModules()).check(ChasmModule.allClasses());
  }

  @Test
  void e_examples_useOnlyPublicPackagesOfTheLibrary() {
    noClasses().should().dependOnClassesThat(DescribedPredicate.describe(
            "are in an internal package of a library module",
            c -> isInternal(c) && ChasmModule.of(c).filter(m -> m != ChasmModule.EXAMPLES).isPresent()))
        .check(ChasmModule.EXAMPLES.classes());
  }

  @Test
  void f_chasmApi_internalUnusedOutside_publicSignaturesJdkAndApiOnly() {
    ArchRule internalStaysInside = noClasses().that(DescribedPredicate.not(in(ChasmModule.API)))
        .should().dependOnClassesThat().resideInAPackage("io.chasm.api.internal..");
    Predicate<JavaClass> jdkOrPublicApi = c -> inPackage(c, "java")
        || ChasmModule.of(c).orElse(null) == ChasmModule.API && !isInternal(c);
    ArchRule signatures = classes().that(in(ChasmModule.API))
        .should(Signatures.onlyUse("JDK types and public chasm-api types", jdkOrPublicApi));
    CompositeArchRule.of(internalStaysInside).and(signatures).check(ChasmModule.allClasses());
  }

  @Test
  void g_chasmWire_noProtobufTypeInAPublicSignature() {
    Predicate<JavaClass> notProtobuf = c -> !inPackage(c, "io.chasm.wire.proto", "com.google.protobuf");
    classes().that(DescribedPredicate.describe("are in a public package of chasm-wire (the generated "
            + "io.chasm.wire.proto types themselves aside)",
            c -> !isInternal(c) && !inPackage(c, "io.chasm.wire.proto")))
        .should(Signatures.onlyUse("types that are not generated protobuf types", notProtobuf))
        .check(ChasmModule.WIRE.classes());
  }
}
