package dev.tessera.grid.core.security;

import java.util.Arrays;
import java.util.Random;

/** Mutations of well-formed frames for the fuzz tests: small edits keep most of a frame decodable, so decoding goes deep. */
final class FrameMutation {
    private FrameMutation() {
    }

    /** Flips, inserts, deletes or truncates a few bytes. */
    static byte[] mutate(byte[] frame, Random random) {
        byte[] out = frame.clone();
        int edits = 1 + random.nextInt(4);
        for (int e = 0; e < edits && out.length > 1; e++) {
            int at = 1 + random.nextInt(out.length - 1); // keep the message type most of the time: decoding goes deep
            switch (random.nextInt(4)) {
                case 0 -> out[at] ^= (byte) (1 << random.nextInt(8));
                case 1 -> out[at] = (byte) random.nextInt(256);
                case 2 -> out = Arrays.copyOf(out, at);
                default -> {
                    byte[] grown = new byte[out.length + 1 + random.nextInt(8)];
                    System.arraycopy(out, 0, grown, 0, at);
                    System.arraycopy(out, at, grown, grown.length - (out.length - at), out.length - at);
                    out = grown;
                }
            }
        }
        if (random.nextInt(10) == 0) {
            out[0] = (byte) random.nextInt(256);
        }
        return out;
    }

}
