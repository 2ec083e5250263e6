/**
 * Directories (tck/SPEC.md section 4): {@link io.chasm.hashtree.tree.Tree} of {@link
 * io.chasm.hashtree.tree.TreeEntry}s with one canonical encoding whose SHA-256 is the tree id,
 * strict decoding under {@link io.chasm.hashtree.tree.TreeLimits}, and {@link
 * io.chasm.hashtree.tree.SafePaths}, the rules for paths and symlink targets inside a tree.
 * Arguments are never null unless a method says so.
 */
package io.chasm.hashtree.tree;
