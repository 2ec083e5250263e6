package io.chasm.hashtree.store;

import io.chasm.api.ChasmException;
import io.chasm.api.ObjectId;

/**
 * An object a caller needed is not in the store. Not an I/O failure: the store answered, and the
 * answer was "absent" (a sync fetches it, a reader of a published tree has a broken store).
 */
public class MissingObjectException extends ChasmException {
  private static final long serialVersionUID = 1L;

  private final transient ObjectId id;

  public MissingObjectException(ObjectId id) {
    super("object " + id + " is not in the store");
    this.id = id;
  }

  /** The missing object's id. */
  public ObjectId id() {
    return id;
  }
}
