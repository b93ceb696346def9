package dev.tessera.grid.jcache;

import dev.tessera.grid.jcache.processor.MutableEntryOperation;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * What {@link OwnerInvoke} did at the key's primary, sent back to the caller as bytes, from which the
 * caller raises the events and counts the statistics of the call. Values are the serialized forms.
 *
 * @param ran       whether the processor ran; if not, nothing changed and {@code why} says why
 * @param operation what the processor did to the entry
 * @param hit       whether the entry was present and unexpired when the processor started
 * @param result    the processor's serialized result (null: null)
 * @param failure   what the processor threw, serialized, or null
 * @param expired   the value of an entry found expired (and removed), or null
 * @param oldValue  the value an update replaced or a removal removed, or null
 * @param newValue  the value created or updated, or null
 * @param createdExpired whether a created value expired at once (zero creation expiry) and was not stored
 * @param why       why the processor did not run, or null
 */
record InvokeOutcome(boolean ran, MutableEntryOperation operation, boolean hit, byte[] result, byte[] failure,
                     byte[] expired, byte[] oldValue, byte[] newValue, boolean createdExpired, String why) {

  static InvokeOutcome notRun(String why) {
    return new InvokeOutcome(false, MutableEntryOperation.NONE, false, null, null, null, null, null, false, why);
  }

  byte[] encode() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeBoolean(ran);
      out.writeByte(operation.ordinal());
      out.writeBoolean(hit);
      out.writeBoolean(createdExpired);
      for (byte[] b : new byte[][] {result, failure, expired, oldValue, newValue}) {
        out.writeInt(b == null ? -1 : b.length);
        if (b != null) {
          out.write(b);
        }
      }
      out.writeUTF(why == null ? "" : why);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static InvokeOutcome decode(byte[] encoded) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(encoded))) {
      boolean ran = in.readBoolean();
      MutableEntryOperation op = MutableEntryOperation.values()[in.readByte()];
      boolean hit = in.readBoolean();
      boolean createdExpired = in.readBoolean();
      byte[][] b = new byte[5][];
      for (int i = 0; i < b.length; i++) {
        int n = in.readInt();
        if (n > encoded.length) {
          throw new IOException("a field of " + n + " bytes in an outcome of " + encoded.length);
        }
        if (n >= 0) {
          b[i] = in.readNBytes(n);
        }
      }
      String why = in.readUTF();
      return new InvokeOutcome(ran, op, hit, b[0], b[1], b[2], b[3], b[4], createdExpired, why.isEmpty() ? null : why);
    } catch (IOException e) {
      throw new javax.cache.CacheException("cannot read the outcome of an entry processor: " + e.getMessage(), e);
    }
  }
}
