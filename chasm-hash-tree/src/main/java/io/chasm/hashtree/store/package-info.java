/**
 * Encoded objects by id: {@link io.chasm.hashtree.store.ObjectStore} (verifying typed reads) and
 * {@link io.chasm.hashtree.store.InMemoryObjectStore}. Persistent stores implement the interface
 * elsewhere (the index).
 */
package io.chasm.hashtree.store;
