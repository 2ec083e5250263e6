/**
 * Differences between two trees by id, read from an {@link io.chasm.hashtree.store.ObjectStore}:
 * {@link io.chasm.hashtree.diff.TreeDiff} (diff and apply) and {@link
 * io.chasm.hashtree.diff.TreeChange}. Arguments are never null unless a method says so.
 */
package io.chasm.hashtree.diff;
