package io.chasm.wire.sync.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chasm.api.Hash;
import io.chasm.api.HashMismatchException;
import io.chasm.hashtree.publish.StagedFile;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SegmentedFetchTest {
  static List<FileJob> jobs(int n) {
    List<FileJob> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new FileJob("f" + i, null, null, false));
    }
    return out;
  }

  static ChunkNeeds needsOf(List<FileJob> segment) {
    ChunkNeeds n = new ChunkNeeds();
    for (FileJob j : segment) {
      n.order.add(Hash.sha256(j.path.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
    return n;
  }

  @Test
  void everySegmentIsPlannedOnceAndFetchedInOrder() throws Exception {
    List<FileJob> all = jobs(2 * SegmentedFetch.SEGMENT_FILES + 17);
    List<String> planned = Collections.synchronizedList(new ArrayList<>());
    List<String> fetched = new ArrayList<>();
    List<Set<StagedFile>> sets = Collections.synchronizedList(new ArrayList<>());
    long chunks = SegmentedFetch.run(all, (segment, listed) -> {
      planned.add(segment.get(0).path + ".." + segment.get(segment.size() - 1).path);
      sets.add(listed);
      return needsOf(segment);
    }, needs -> fetched.add(needs.order.size() + ""));
    assertThat(planned).containsExactly("f0..f4095", "f4096..f8191", "f8192..f8208");
    assertThat(fetched).containsExactly("4096", "4096", "17");
    assertThat(chunks).isEqualTo(all.size());
    assertThat(sets).hasSize(3).allSatisfy(s -> assertThat(s).isSameAs(sets.get(0))); // one set: a content is listed once
  }

  @Test
  void aPlannerFailureReachesTheCallerTyped_andNothingAfterItIsFetched() {
    List<FileJob> all = jobs(3 * SegmentedFetch.SEGMENT_FILES);
    AtomicInteger plans = new AtomicInteger();
    List<Integer> fetched = Collections.synchronizedList(new ArrayList<>());
    assertThatThrownBy(() -> SegmentedFetch.run(all, (segment, listed) -> {
      if (plans.incrementAndGet() == 2) {
        throw new HashMismatchException("'f4096': tree says 1 bytes, its manifest 2");
      }
      return needsOf(segment);
    }, needs -> fetched.add(needs.order.size())))
        .isInstanceOf(HashMismatchException.class).hasMessageContaining("f4096");
    assertThat(plans.get()).isEqualTo(2);
    assertThat(fetched).hasSizeLessThanOrEqualTo(1);
  }

  @Test
  void aFetchFailureStopsThePlanner() throws Exception {
    List<FileJob> all = jobs(40 * SegmentedFetch.SEGMENT_FILES);
    AtomicInteger plans = new AtomicInteger();
    assertThatThrownBy(() -> SegmentedFetch.run(all, (segment, listed) -> {
      plans.incrementAndGet();
      return needsOf(segment);
    }, needs -> {
      throw new IOException("disk full");
    })).isInstanceOf(IOException.class).hasMessage("disk full");
    // run() returns only after the planner thread ended: it planned at most the segments the
    // queue holds plus the one in hand, not all forty
    int atReturn = plans.get();
    assertThat(atReturn).isLessThan(10);
    Thread.sleep(50);
    assertThat(plans.get()).isEqualTo(atReturn); // and plans nothing afterwards
  }
}
