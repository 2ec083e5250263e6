/**
 * Encoded objects by id: {@link io.chasm.hashtree.store.ObjectStore} (verifying typed reads),
 * {@link io.chasm.hashtree.store.InMemoryObjectStore} and the persistent, append-only {@link
 * io.chasm.hashtree.store.PackObjectStore} of a tree's state directory.
 */
package io.chasm.hashtree.store;
