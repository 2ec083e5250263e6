package io.chasm.hashtree.store;

import io.chasm.api.ObjectId;
import java.io.IOException;

/** An object a caller needed is not in the store. */
public class MissingObjectException extends IOException {
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
