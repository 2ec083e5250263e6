package io.chasm.examples.demo;

import io.chasm.examples.chasmd.DaemonProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The daemons the demo started: each a child JVM, all stopped on exit, also on Ctrl-C. */
final class DemoChildren {
  private static final List<String> JVM = List.of("-Xmx256m", "-XX:+UseSerialGC", "-Xshare:auto");

  private final Path logs;
  private final Duration ready;
  private final List<DaemonProcess> children = new ArrayList<>();
  /** Set by Ctrl-C (the shutdown hook): no child may be started after it. */
  private boolean closing;

  DemoChildren(Path logs, Duration ready) {
    this.logs = logs;
    this.ready = ready;
  }

  /** Starts {@code chasmd ARGS} as a child named {@code name} and waits until it is ready. */
  DaemonProcess start(String name, String... args) throws IOException {
    // The children keep their state where the demo does (its work directory, removed at the end).
    List<String> jvm = new java.util.ArrayList<>(JVM);
    String home = System.getProperty(io.chasm.hashtree.index.StateLocation.HOME_PROPERTY);
    if (home != null) {
      jvm.add("-D" + io.chasm.hashtree.index.StateLocation.HOME_PROPERTY + "=" + home);
    }
    DaemonProcess d = DaemonProcess.start(name, logs, ready, jvm, args);
    synchronized (this) {
      if (closing) {
        d.kill();
        throw new IOException("interrupted");
      }
      children.add(d);
    }
    System.out.println("started " + d);
    return d;
  }

  /** Forgets a child that was stopped on purpose. */
  synchronized void remove(DaemonProcess d) {
    children.remove(d);
  }

  /** SIGTERM to each child, the last started first; true if every one exited 0. */
  boolean stopInOrder() {
    boolean clean = true;
    List<DaemonProcess> all;
    synchronized (this) {
      all = new ArrayList<>(children);
    }
    for (int i = all.size() - 1; i >= 0; i--) {
      DaemonProcess d = all.get(i);
      int code = d.stop(Duration.ofSeconds(20));
      System.out.println(d.name() + ": exit " + code);
      clean &= code == 0;
    }
    synchronized (this) {
      children.clear();
    }
    return clean;
  }

  /** Refuses further starts and returns the children to stop. */
  synchronized List<DaemonProcess> close() {
    closing = true;
    List<DaemonProcess> all = new ArrayList<>(children);
    children.clear();
    return all;
  }

  /** Stops {@code all} without a word; then every other child process of this JVM. */
  static void stopQuietly(List<DaemonProcess> all) {
    // SIGTERM to all at once, then wait: a Ctrl-C should not take a timeout per child.
    all.forEach(d -> d.process().destroy());
    all.forEach(d -> d.stop(Duration.ofSeconds(10)));
    // A child still starting when Ctrl-C came is not in the list yet: it is a child all the same.
    ProcessHandle.current().children().forEach(ProcessHandle::destroy);
    ProcessHandle.current().children().forEach(h -> h.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(t -> {
      h.destroyForcibly();
      return h;
    }).join());
  }
}
