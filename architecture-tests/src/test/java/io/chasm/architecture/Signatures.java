package io.chasm.architecture;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.domain.JavaTypeVariable;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The public signature of a class, as a caller in another module sees it: its supertypes and the
 * types (with their type arguments) of its public and protected fields, constructors and methods,
 * thrown exceptions included.
 */
final class Signatures {
  private Signatures() {}

  /** Public, and every enclosing class public too: reachable from another package. */
  static boolean isApi(JavaClass c) {
    if (c.isAnonymousClass() || c.isLocalClass()) {
      return false;
    }
    for (JavaClass k = c; k != null; k = k.getEnclosingClass().orElse(null)) {
      if (!k.getModifiers().contains(JavaModifier.PUBLIC)) {
        return false;
      }
    }
    return true;
  }

  /** Each type in the signature, mapped to the first place it appears. */
  static Map<JavaClass, String> types(JavaClass c) {
    Map<JavaClass, String> out = new LinkedHashMap<>();
    c.getSuperclass().ifPresent(s -> add(out, s, c.getName() + " extends"));
    for (JavaType i : c.getInterfaces()) {
      add(out, i, c.getName() + " implements");
    }
    for (JavaField f : c.getFields()) {
      if (visible(f)) {
        add(out, f.getType(), f.getFullName());
      }
    }
    for (JavaCodeUnit u : c.getCodeUnits()) {
      if (!visible(u) || u.getModifiers().contains(JavaModifier.SYNTHETIC) || u.getModifiers().contains(JavaModifier.BRIDGE)) {
        continue;
      }
      String where = u.getFullName();
      add(out, u.getReturnType(), where);
      u.getParameterTypes().forEach(t -> add(out, t, where));
      u.getThrowsClause().getTypes().forEach(t -> add(out, t, where));
      for (JavaTypeVariable<?> v : u.getTypeParameters()) {
        v.getUpperBounds().forEach(t -> add(out, t, where));
      }
    }
    return out;
  }

  private static boolean visible(JavaMember m) {
    Set<JavaModifier> mods = m.getModifiers();
    return mods.contains(JavaModifier.PUBLIC) || mods.contains(JavaModifier.PROTECTED);
  }

  private static void add(Map<JavaClass, String> out, JavaType t, String where) {
    for (JavaClass raw : t.getAllInvolvedRawTypes()) {
      out.putIfAbsent(raw.getBaseComponentType(), where);
    }
  }

  /** Public classes whose signature uses no type outside {@code allowed}. */
  static ArchCondition<JavaClass> onlyUse(String description, Predicate<JavaClass> allowed) {
    return new ArchCondition<>("have public signatures that use only " + description) {
      @Override
      public void check(JavaClass c, ConditionEvents events) {
        if (!isApi(c)) {
          return;
        }
        types(c).forEach((type, where) -> {
          if (!type.isPrimitive() && !allowed.test(type)) {
            events.add(SimpleConditionEvent.violated(c, where + " uses " + type.getName()));
          }
        });
      }
    };
  }
}
